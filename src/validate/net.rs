//! Addresses the way the Go plugins read them: `net.ParseIP`, `net.ParseCIDR` (the address
//! keeps its host bits, as the CNI types do) and `net.ParseMAC`, plus the range arithmetic
//! host-local and the subnet-overlap rule need. Addresses are (family, 128-bit value) pairs;
//! an IPv4-mapped IPv6 address counts as IPv4, as Go's `To4` does.

use std::net::IpAddr;

/// An address family.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum Family {
    /// IPv4
    V4,
    /// IPv6
    V6,
}

impl Family {
    /// Address length in bits.
    pub fn bits(self) -> u8 {
        match self {
            Family::V4 => 32,
            Family::V6 => 128,
        }
    }
}

/// An address as a family and a number.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct Addr {
    /// The family.
    pub family: Family,
    /// The address as a number (IPv4 in the low 32 bits).
    pub value: u128,
}

impl Addr {
    fn from_ip(ip: IpAddr) -> Addr {
        match ip {
            IpAddr::V4(a) => Addr {
                family: Family::V4,
                value: u32::from(a) as u128,
            },
            IpAddr::V6(a) => match a.to_ipv4_mapped() {
                Some(v4) => Addr {
                    family: Family::V4,
                    value: u32::from(v4) as u128,
                },
                None => Addr {
                    family: Family::V6,
                    value: u128::from(a),
                },
            },
        }
    }

    /// Parses an IP address as Go's `net.ParseIP` does.
    pub fn parse(s: &str) -> Option<Addr> {
        s.parse::<IpAddr>().ok().map(Addr::from_ip)
    }
}

impl std::fmt::Display for Addr {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self.family {
            Family::V4 => write!(f, "{}", std::net::Ipv4Addr::from(self.value as u32)),
            Family::V6 => write!(f, "{}", std::net::Ipv6Addr::from(self.value)),
        }
    }
}

/// A CIDR as written: the address keeps its host bits.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub struct Cidr {
    /// The address part.
    pub addr: Addr,
    /// The prefix length.
    pub prefix: u8,
}

impl Cidr {
    /// Parses `addr/len` as Go's `net.ParseCIDR` does. The family is the text's (an IPv4-mapped
    /// IPv6 address with a /96+ prefix stays IPv6, as in Go).
    pub fn parse(s: &str) -> Option<Cidr> {
        let (a, len) = s.split_once('/')?;
        if len.is_empty() || len.len() > 3 || !len.bytes().all(|b| b.is_ascii_digit()) {
            return None;
        }
        let prefix: u8 = len.parse().ok()?;
        let ip: IpAddr = a.parse().ok()?;
        let addr = match ip {
            IpAddr::V4(v) => Addr {
                family: Family::V4,
                value: u32::from(v) as u128,
            },
            IpAddr::V6(v) => Addr {
                family: Family::V6,
                value: u128::from(v),
            },
        };
        (prefix <= addr.family.bits()).then_some(Cidr { addr, prefix })
    }

    fn host_mask(&self) -> u128 {
        let bits = self.addr.family.bits() as u32;
        let host_bits = bits - self.prefix as u32;
        if host_bits == 0 {
            0
        } else if host_bits >= 128 {
            u128::MAX
        } else {
            (1u128 << host_bits) - 1
        }
    }

    /// The network address (host bits cleared).
    pub fn network(&self) -> Addr {
        Addr {
            family: self.addr.family,
            value: self.addr.value & !self.host_mask(),
        }
    }

    /// The last address of the network (all host bits set).
    pub fn last(&self) -> Addr {
        Addr {
            family: self.addr.family,
            value: self.network().value | self.host_mask(),
        }
    }

    /// True when the address has host bits set.
    pub fn has_host_bits(&self) -> bool {
        self.addr.value & self.host_mask() != 0
    }

    /// True when `a` is inside the network.
    pub fn contains(&self, a: Addr) -> bool {
        a.family == self.addr.family && a.value & !self.host_mask() == self.network().value
    }

    /// The network in canonical form (`10.1.0.0/16`).
    pub fn network_string(&self) -> String {
        format!("{}/{}", self.network(), self.prefix)
    }
}

/// Checks a MAC address as Go's `net.ParseMAC` does: 6, 8 or 20 bytes written as
/// `xx:xx:...`, `xx-xx-...` or `xxxx.xxxx....`.
pub fn is_mac(s: &str) -> bool {
    let b = s.as_bytes();
    if b.len() < 14 {
        return false;
    }
    let hex = |c: u8| c.is_ascii_hexdigit();
    let count_ok = |n: usize| matches!(n, 6 | 8 | 20);
    if b[2] == b':' || b[2] == b'-' {
        if !(b.len() + 1).is_multiple_of(3) || !count_ok((b.len() + 1) / 3) {
            return false;
        }
        b.chunks(3)
            .all(|g| hex(g[0]) && hex(g[1]) && (g.len() == 2 || g[2] == b[2]))
    } else if b[4] == b'.' {
        if !(b.len() + 1).is_multiple_of(5) || !count_ok(2 * (b.len() + 1) / 5) {
            return false;
        }
        b.chunks(5)
            .all(|g| g[..4].iter().all(|&c| hex(c)) && (g.len() == 4 || g[4] == b'.'))
    } else {
        false
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn ips_like_go() {
        assert!(Addr::parse("10.1.2.3").is_some());
        assert!(Addr::parse("2001:db8::1").is_some());
        assert_eq!(
            Addr::parse("::ffff:10.0.0.1").unwrap(),
            Addr::parse("10.0.0.1").unwrap()
        );
        for bad in [
            "",
            "10.1.2",
            "10.1.2.256",
            "010.1.2.3",
            "fe80::1%eth0",
            "10.0.0.1/24",
        ] {
            assert!(Addr::parse(bad).is_none(), "{bad}");
        }
    }

    #[test]
    fn cidrs_keep_host_bits() {
        let c = Cidr::parse("10.1.2.3/16").unwrap();
        assert!(c.has_host_bits());
        assert_eq!(c.network_string(), "10.1.0.0/16");
        assert_eq!(c.last().to_string(), "10.1.255.255");
        assert!(c.contains(Addr::parse("10.1.200.1").unwrap()));
        assert!(!c.contains(Addr::parse("10.2.0.1").unwrap()));
        let v6 = Cidr::parse("fd00::/64").unwrap();
        assert!(!v6.has_host_bits());
        assert_eq!(v6.last().to_string(), "fd00::ffff:ffff:ffff:ffff");
        assert!(Cidr::parse("0.0.0.0/0")
            .unwrap()
            .contains(Addr::parse("1.2.3.4").unwrap()));
        assert!(Cidr::parse("::/0").is_some());
        for bad in [
            "10.0.0.0",
            "10.0.0.0/33",
            "10.0.0.0/",
            "10.0.0.0/-1",
            "/24",
            "x/24",
            "fd00::/129",
            "usePodCidr",
        ] {
            assert!(Cidr::parse(bad).is_none(), "{bad}");
        }
    }

    #[test]
    fn macs_like_go() {
        for good in [
            "00:00:5e:00:53:01",
            "02:00:5E:10:00:00:00:01",
            "00-00-5e-00-53-01",
            "0000.5e00.5301",
            "0200.5e10.0000.0001",
            "00:00:00:00:fe:80:00:00:00:00:00:00:02:00:5e:10:00:00:00:01",
        ] {
            assert!(is_mac(good), "{good}");
        }
        for bad in [
            "",
            "00:00:5e:00:53",
            "00:00:5e:00:53:0g",
            "00:00-5e:00:53:01",
            "0000:5e00:5301",
            "00:00:5e:00:53:01:",
        ] {
            assert!(!is_mac(bad), "{bad}");
        }
    }
}
