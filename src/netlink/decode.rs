//! Decoding of the kernel's answers into the typed structs of [`super`]; pure functions, so the
//! unit tests can feed them captured bytes.

use std::net::IpAddr;

use netlink_packet_core::{NetlinkMessage, NetlinkPayload};
use netlink_packet_route::address::{AddressAttribute, AddressMessage};
use netlink_packet_route::link::{
    InfoKind, LinkAttribute, LinkFlags, LinkInfo, LinkMessage, State,
};
use netlink_packet_route::route::{
    RouteAddress, RouteAttribute, RouteHeader, RouteMessage, RouteType,
};
use netlink_packet_route::{AddressFamily, RouteNetlinkMessage};

use super::{Address, Link, OperState, Route};

/// One decoded message of an answer.
#[derive(Debug)]
pub enum Answer {
    /// A message of the route family.
    Message(RouteNetlinkMessage),
    /// An `NLMSG_ERROR` with a non-zero code (the positive errno).
    Error(i32),
}

/// Splits one datagram into its messages and decodes each. The bool is true when the datagram
/// ends the answer (`NLMSG_DONE`, an error, an ACK, or a message that is not part of a dump).
pub fn decode_messages(mut bytes: &[u8]) -> Result<(Vec<Answer>, bool), String> {
    let mut out = Vec::new();
    let mut done = false;
    while bytes.len() >= 16 {
        let len = u32::from_ne_bytes([bytes[0], bytes[1], bytes[2], bytes[3]]) as usize;
        if len < 16 || len > bytes.len() {
            return Err(format!(
                "a message claims {len} bytes where {} remain",
                bytes.len()
            ));
        }
        let flags = u16::from_ne_bytes([bytes[6], bytes[7]]);
        let msg = NetlinkMessage::<RouteNetlinkMessage>::deserialize(&bytes[..len])
            .map_err(|e| e.to_string())?;
        match msg.payload {
            NetlinkPayload::Done(_) => done = true,
            NetlinkPayload::Error(e) => {
                done = true;
                if let Some(code) = e.code {
                    out.push(Answer::Error(code.get().checked_abs().unwrap_or(i32::MAX)));
                }
            }
            NetlinkPayload::InnerMessage(m) => {
                out.push(Answer::Message(m));
                if flags & netlink_packet_core::NLM_F_MULTIPART == 0 {
                    // A single answer (GETNSID): its ACK may follow; stop at either.
                    done = true;
                }
            }
            _ => {}
        }
        let aligned = (len + 3) & !3;
        bytes = bytes.get(aligned.min(bytes.len())..).unwrap_or(&[]);
    }
    Ok((out, done))
}

fn mac_text(bytes: &[u8]) -> String {
    bytes
        .iter()
        .map(|b| format!("{b:02x}"))
        .collect::<Vec<_>>()
        .join(":")
}

/// The typed view of one link message.
pub fn link_of(m: &LinkMessage) -> Link {
    let mut link = Link {
        index: m.header.index,
        name: String::new(),
        kind: None,
        mac: None,
        mtu: None,
        state: OperState::Unknown,
        admin_up: m.header.flags.contains(LinkFlags::Up),
        master: None,
        peer_index: None,
        peer_netnsid: None,
    };
    for a in &m.attributes {
        match a {
            LinkAttribute::IfName(n) => link.name = n.clone(),
            LinkAttribute::Address(b) if !b.is_empty() => link.mac = Some(mac_text(b)),
            LinkAttribute::Mtu(v) => link.mtu = Some(*v),
            LinkAttribute::Controller(v) => link.master = Some(*v),
            LinkAttribute::Link(v) if *v != 0 && *v != m.header.index => link.peer_index = Some(*v),
            LinkAttribute::LinkNetNsId(v) if *v >= 0 => link.peer_netnsid = Some(*v),
            LinkAttribute::OperState(s) => link.state = oper_state(s),
            LinkAttribute::LinkInfo(infos) => {
                for i in infos {
                    if let LinkInfo::Kind(k) = i {
                        link.kind = Some(kind_text(k));
                    }
                }
            }
            _ => {}
        }
    }
    // A veth's IFLA_LINK equal to its own index in another namespace is still a peer; only a
    // link without a peer namespace and pointing at itself has none (handled above).
    if link.peer_netnsid.is_some() && link.peer_index.is_none() {
        if let Some(LinkAttribute::Link(v)) = m
            .attributes
            .iter()
            .find(|a| matches!(a, LinkAttribute::Link(_)))
        {
            if *v != 0 {
                link.peer_index = Some(*v);
            }
        }
    }
    link
}

fn kind_text(k: &InfoKind) -> String {
    match k {
        InfoKind::Other(s) => s.clone(),
        k => k.to_string(),
    }
}

fn oper_state(s: &State) -> OperState {
    match s {
        State::Up => OperState::Up,
        State::Down => OperState::Down,
        State::LowerLayerDown => OperState::LowerLayerDown,
        State::Dormant => OperState::Dormant,
        State::Testing => OperState::Testing,
        State::NotPresent => OperState::NotPresent,
        _ => OperState::Unknown,
    }
}

/// The typed view of one address message; None for a family other than v4/v6.
pub fn address_of(m: &AddressMessage) -> Option<Address> {
    if !matches!(m.header.family, AddressFamily::Inet | AddressFamily::Inet6) {
        return None;
    }
    let mut local = None;
    let mut address = None;
    for a in &m.attributes {
        match a {
            AddressAttribute::Local(ip) => local = Some(*ip),
            AddressAttribute::Address(ip) => address = Some(*ip),
            _ => {}
        }
    }
    Some(Address {
        index: m.header.index,
        address: local.or(address)?,
        prefix_len: m.header.prefix_len,
    })
}

fn route_ip(a: &RouteAddress) -> Option<IpAddr> {
    match a {
        RouteAddress::Inet(v4) => Some(IpAddr::V4(*v4)),
        RouteAddress::Inet6(v6) => Some(IpAddr::V6(*v6)),
        _ => None,
    }
}

/// The typed view of one route message; None unless it is a unicast route of the main table.
pub fn route_of(m: &RouteMessage) -> Option<Route> {
    let ipv6 = match m.header.address_family {
        AddressFamily::Inet => false,
        AddressFamily::Inet6 => true,
        _ => return None,
    };
    let mut table = u32::from(m.header.table);
    let mut dst = None;
    let mut gateway = None;
    let mut oif = None;
    for a in &m.attributes {
        match a {
            RouteAttribute::Table(t) => table = *t,
            RouteAttribute::Destination(d) => dst = route_ip(d),
            RouteAttribute::Gateway(g) => gateway = route_ip(g),
            RouteAttribute::Oif(i) => oif = Some(*i),
            _ => {}
        }
    }
    if table != u32::from(RouteHeader::RT_TABLE_MAIN) || m.header.kind != RouteType::Unicast {
        return None;
    }
    let destination = match (dst, m.header.destination_prefix_length) {
        (_, 0) => None,
        (Some(ip), len) => Some((ip, len)),
        (None, _) => None,
    };
    Some(Route {
        destination,
        gateway,
        oif,
        ipv6,
    })
}
