//! A netlink reader of one network namespace's links, addresses and routes (for `inspect`).
//!
//! This is the only module that speaks netlink. It talks `NETLINK_ROUTE` synchronously through
//! `netlink-sys` and decodes with `netlink-packet-route`, in the namespace of the calling
//! thread: to read another namespace, run [`read_snapshot`] on a [`crate::netns::NsThread`]
//! inside it. Every kernel answer is decoded without panicking; a message that cannot be decoded
//! is an error naming what was being read.

mod decode;
#[cfg(test)]
mod tests;

use std::io;
use std::net::IpAddr;
use std::os::fd::{AsRawFd, BorrowedFd};

use netlink_packet_core::{
    NetlinkHeader, NetlinkMessage, NetlinkPayload, NLM_F_ACK, NLM_F_DUMP, NLM_F_REQUEST,
};
use netlink_packet_route::address::AddressMessage;
use netlink_packet_route::link::LinkMessage;
use netlink_packet_route::nsid::{NsidAttribute, NsidMessage};
use netlink_packet_route::route::RouteMessage;
use netlink_packet_route::{AddressFamily, RouteNetlinkMessage};
use netlink_sys::{protocols::NETLINK_ROUTE, Socket, SocketAddr};

pub use decode::{address_of, decode_messages, link_of, route_of, Answer};

/// Errors of the netlink reader; each says what was being read.
#[derive(Debug, thiserror::Error)]
#[non_exhaustive]
pub enum NetlinkError {
    /// The socket could not be opened, or sending or receiving failed.
    #[error("netlink ({what}): {source}")]
    Io {
        /// What was being read, e.g. "links".
        what: &'static str,
        /// The underlying error.
        #[source]
        source: io::Error,
    },
    /// The kernel answered with an error.
    #[error("netlink ({what}): the kernel answered: {source}")]
    Kernel {
        /// What was being read.
        what: &'static str,
        /// The error the kernel returned.
        #[source]
        source: io::Error,
    },
    /// A message could not be decoded.
    #[error("netlink ({what}): cannot decode the kernel's answer: {msg}")]
    Decode {
        /// What was being read.
        what: &'static str,
        /// The decoder's message.
        msg: String,
    },
}

/// The operational state of a link (`IFLA_OPERSTATE`), as `ip link` names it, lower case.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum OperState {
    /// `up`
    Up,
    /// `down`
    Down,
    /// `lower-layer-down`
    LowerLayerDown,
    /// `dormant`
    Dormant,
    /// `testing`
    Testing,
    /// `not-present`
    NotPresent,
    /// `unknown` (also what loopback and many virtual links report)
    Unknown,
}

impl OperState {
    /// The kebab-case word.
    pub fn as_str(self) -> &'static str {
        match self {
            OperState::Up => "up",
            OperState::Down => "down",
            OperState::LowerLayerDown => "lower-layer-down",
            OperState::Dormant => "dormant",
            OperState::Testing => "testing",
            OperState::NotPresent => "not-present",
            OperState::Unknown => "unknown",
        }
    }
}

/// One link (`RTM_NEWLINK`).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Link {
    /// The interface index.
    pub index: u32,
    /// `IFLA_IFNAME`.
    pub name: String,
    /// `IFLA_INFO_KIND` ("veth", "bridge", …); None for a link without one (loopback, physical).
    pub kind: Option<String>,
    /// `IFLA_ADDRESS`, as `aa:bb:cc:dd:ee:ff`.
    pub mac: Option<String>,
    /// `IFLA_MTU`.
    pub mtu: Option<u32>,
    /// `IFLA_OPERSTATE`.
    pub state: OperState,
    /// True when the link is administratively up (`IFF_UP`).
    pub admin_up: bool,
    /// `IFLA_MASTER`: the index of the bridge (or bond…) the link is enslaved to.
    pub master: Option<u32>,
    /// `IFLA_LINK`: for a veth, the peer's index (in the peer's namespace); None when it is the
    /// link's own index or absent.
    pub peer_index: Option<u32>,
    /// `IFLA_LINK_NETNSID`: the namespace of the peer, as an nsid of this namespace; None when
    /// the peer is in this namespace (or the link has no peer).
    pub peer_netnsid: Option<i32>,
}

/// One address (`RTM_NEWADDR`).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Address {
    /// The index of the link it is on.
    pub index: u32,
    /// The address (`IFA_LOCAL`, else `IFA_ADDRESS`).
    pub address: IpAddr,
    /// The prefix length.
    pub prefix_len: u8,
}

/// One route of the main table (`RTM_NEWROUTE`).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Route {
    /// The destination and its prefix length; None for the default route.
    pub destination: Option<(IpAddr, u8)>,
    /// `RTA_GATEWAY`.
    pub gateway: Option<IpAddr>,
    /// `RTA_OIF`: the index of the outgoing link.
    pub oif: Option<u32>,
    /// True for IPv6.
    pub ipv6: bool,
}

/// What a namespace holds: links, addresses and the main table's routes.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct Snapshot {
    /// Every link, by index.
    pub links: Vec<Link>,
    /// Every address, v4 and v6.
    pub addresses: Vec<Address>,
    /// The unicast routes of the main table, v4 and v6.
    pub routes: Vec<Route>,
}

impl Snapshot {
    /// The link with this index.
    pub fn link(&self, index: u32) -> Option<&Link> {
        self.links.iter().find(|l| l.index == index)
    }

    /// The link with this name.
    pub fn link_named(&self, name: &str) -> Option<&Link> {
        self.links.iter().find(|l| l.name == name)
    }
}

/// Reads the links, addresses and main-table routes of the calling thread's namespace.
pub fn read_snapshot() -> Result<Snapshot, NetlinkError> {
    let conn = Conn::open("links")?;
    let links = conn
        .dump(
            "links",
            RouteNetlinkMessage::GetLink(LinkMessage::default()),
        )?
        .into_iter()
        .filter_map(|m| match m {
            RouteNetlinkMessage::NewLink(l) => Some(link_of(&l)),
            _ => None,
        })
        .collect();
    let addresses = conn
        .dump(
            "addresses",
            RouteNetlinkMessage::GetAddress(AddressMessage::default()),
        )?
        .into_iter()
        .filter_map(|m| match m {
            RouteNetlinkMessage::NewAddress(a) => address_of(&a),
            _ => None,
        })
        .collect();
    let mut routes = Vec::new();
    for family in [AddressFamily::Inet, AddressFamily::Inet6] {
        let mut req = RouteMessage::default();
        req.header.address_family = family;
        for m in conn.dump("routes", RouteNetlinkMessage::GetRoute(req))? {
            if let RouteNetlinkMessage::NewRoute(r) = m {
                routes.extend(route_of(&r));
            }
        }
    }
    Ok(Snapshot {
        links,
        addresses,
        routes,
    })
}

/// The nsid the calling thread's namespace has given the namespace open at `fd`
/// (`RTM_GETNSID` with `NETNSA_FD`); None when it has none assigned.
pub fn nsid_of(fd: BorrowedFd<'_>) -> Result<Option<i32>, NetlinkError> {
    let what = "namespace ids";
    let conn = Conn::open(what)?;
    let mut req = NsidMessage::default();
    req.header.family = AddressFamily::Unspec;
    req.attributes
        .push(NsidAttribute::Fd(fd.as_raw_fd() as u32));
    let answers = conn.request(what, RouteNetlinkMessage::GetNsId(req), NLM_F_REQUEST)?;
    for m in answers {
        if let RouteNetlinkMessage::NewNsId(n) = m {
            for a in &n.attributes {
                if let NsidAttribute::Id(id) = a {
                    return Ok((*id >= 0).then_some(*id));
                }
            }
        }
    }
    Ok(None)
}

struct Conn {
    socket: Socket,
}

/// Answers larger than this are refused (a dump comes in many datagrams, each bounded by the
/// receive buffer; this bounds the total).
const MAX_ANSWER: usize = 64 << 20;

impl Conn {
    fn open(what: &'static str) -> Result<Conn, NetlinkError> {
        let io = |source| NetlinkError::Io { what, source };
        let mut socket = Socket::new(NETLINK_ROUTE).map_err(io)?;
        socket.bind_auto().map_err(io)?;
        socket.connect(&SocketAddr::new(0, 0)).map_err(io)?;
        Ok(Conn { socket })
    }

    fn dump(
        &self,
        what: &'static str,
        msg: RouteNetlinkMessage,
    ) -> Result<Vec<RouteNetlinkMessage>, NetlinkError> {
        self.request(what, msg, NLM_F_REQUEST | NLM_F_DUMP)
    }

    fn request(
        &self,
        what: &'static str,
        msg: RouteNetlinkMessage,
        flags: u16,
    ) -> Result<Vec<RouteNetlinkMessage>, NetlinkError> {
        let io = |source| NetlinkError::Io { what, source };
        let mut header = NetlinkHeader::default();
        header.flags = flags | NLM_F_ACK;
        header.sequence_number = 1;
        let mut packet = NetlinkMessage::new(header, NetlinkPayload::from(msg));
        packet.finalize();
        let mut buf = vec![0u8; packet.buffer_len()];
        packet.serialize(&mut buf);
        self.socket.send(&buf, 0).map_err(io)?;

        let mut out = Vec::new();
        let mut total = 0usize;
        loop {
            let (bytes, _) = self.socket.recv_from_full().map_err(io)?;
            if bytes.is_empty() {
                return Err(NetlinkError::Decode {
                    what,
                    msg: "the socket closed before the answer ended".into(),
                });
            }
            total += bytes.len();
            if total > MAX_ANSWER {
                return Err(NetlinkError::Decode {
                    what,
                    msg: format!("the answer is larger than {MAX_ANSWER} bytes"),
                });
            }
            let (messages, done) =
                decode_messages(&bytes).map_err(|msg| NetlinkError::Decode { what, msg })?;
            for m in messages {
                match m {
                    decode::Answer::Message(m) => out.push(m),
                    decode::Answer::Error(code) => {
                        return Err(NetlinkError::Kernel {
                            what,
                            source: io::Error::from_raw_os_error(code),
                        })
                    }
                }
            }
            if done {
                return Ok(out);
            }
        }
    }
}
