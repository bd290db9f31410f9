use super::decode::{decode_messages, Answer};
use super::*;
use netlink_packet_core::{NetlinkHeader, NetlinkMessage, NetlinkPayload, NLM_F_MULTIPART};
use netlink_packet_route::link::{InfoKind, LinkAttribute, LinkFlags, LinkInfo, State};
use netlink_packet_route::route::{RouteAddress, RouteAttribute, RouteHeader, RouteType};

/// Bytes as the kernel sends them: one message of a dump, serialized by the crate.
fn wire(msg: RouteNetlinkMessage, flags: u16) -> Vec<u8> {
    let mut header = NetlinkHeader::default();
    header.flags = flags;
    let mut packet = NetlinkMessage::new(header, NetlinkPayload::from(msg));
    packet.finalize();
    let mut buf = vec![0u8; packet.buffer_len()];
    packet.serialize(&mut buf);
    buf
}

fn veth_message() -> RouteNetlinkMessage {
    let mut m = LinkMessage::default();
    m.header.index = 2;
    m.header.flags = LinkFlags::Up;
    m.attributes = vec![
        LinkAttribute::IfName("eth0".into()),
        LinkAttribute::Address(vec![0x0a, 0x58, 0, 1, 2, 0xff]),
        LinkAttribute::Mtu(1450),
        LinkAttribute::OperState(State::Up),
        LinkAttribute::Link(7),
        LinkAttribute::LinkNetNsId(0),
        LinkAttribute::LinkInfo(vec![LinkInfo::Kind(InfoKind::Veth)]),
    ];
    RouteNetlinkMessage::NewLink(m)
}

#[test]
fn a_veth_decodes_with_its_peer() {
    let bytes = wire(veth_message(), NLM_F_MULTIPART);
    let (answers, done) = decode_messages(&bytes).unwrap();
    assert!(!done, "a dump message does not end the answer");
    let [Answer::Message(RouteNetlinkMessage::NewLink(l))] = answers.as_slice() else {
        panic!("expected one link, got {answers:?}");
    };
    let link = link_of(l);
    assert_eq!(
        link,
        Link {
            index: 2,
            name: "eth0".into(),
            kind: Some("veth".into()),
            mac: Some("0a:58:00:01:02:ff".into()),
            mtu: Some(1450),
            state: OperState::Up,
            admin_up: true,
            master: None,
            peer_index: Some(7),
            peer_netnsid: Some(0),
        }
    );
}

#[test]
fn routes_outside_the_main_table_are_left_out() {
    let mut r = RouteMessage::default();
    r.header.address_family = AddressFamily::Inet;
    r.header.table = RouteHeader::RT_TABLE_MAIN;
    r.header.kind = RouteType::Unicast;
    r.attributes = vec![
        RouteAttribute::Gateway(RouteAddress::Inet("10.1.0.1".parse().unwrap())),
        RouteAttribute::Oif(2),
    ];
    let default = route_of(&r).unwrap();
    assert_eq!(default.destination, None);
    assert_eq!(default.gateway, Some("10.1.0.1".parse().unwrap()));
    assert_eq!(default.oif, Some(2));
    r.header.destination_prefix_length = 24;
    r.attributes
        .push(RouteAttribute::Destination(RouteAddress::Inet(
            "10.2.0.0".parse().unwrap(),
        )));
    assert_eq!(
        route_of(&r).unwrap().destination,
        Some(("10.2.0.0".parse().unwrap(), 24))
    );
    r.header.table = 255; // local
    assert_eq!(route_of(&r), None);
    r.header.table = RouteHeader::RT_TABLE_MAIN;
    r.header.kind = RouteType::Local;
    assert_eq!(route_of(&r), None);
}

#[test]
fn broken_answers_are_errors_not_panics() {
    let bytes = wire(veth_message(), NLM_F_MULTIPART);
    // Every truncation and a corrupted length either decodes or errors; none panics.
    for cut in 0..bytes.len() {
        let _ = decode_messages(&bytes[..cut]);
    }
    let mut long = bytes.clone();
    long[0] = 0xff;
    assert!(decode_messages(&long).is_err());
    let mut short = bytes.clone();
    short[..4].copy_from_slice(&8u32.to_ne_bytes());
    assert!(decode_messages(&short).is_err());
    // Garbage attributes inside a well-framed message.
    let mut garbage = bytes.clone();
    for b in garbage.iter_mut().skip(32) {
        *b = 0xff;
    }
    let _ = decode_messages(&garbage);
}

#[test]
fn a_kernel_error_is_reported_with_its_errno() {
    let mut header = NetlinkHeader::default();
    header.flags = 0;
    let mut e = netlink_packet_core::ErrorMessage::default();
    e.code = std::num::NonZeroI32::new(-1);
    let mut packet = NetlinkMessage::<RouteNetlinkMessage>::new(header, NetlinkPayload::Error(e));
    packet.finalize();
    let mut buf = vec![0u8; packet.buffer_len()];
    packet.serialize(&mut buf);
    let (answers, done) = decode_messages(&buf).unwrap();
    assert!(done);
    assert!(matches!(answers.as_slice(), [Answer::Error(1)]));
}

/// An RTM_NEWLINK message captured from a kernel (6.x): the loopback of a fresh namespace,
/// as the dump of `RTM_GETLINK` returned it (hex).
const CAPTURED_LO: &str = include_str!("testdata/lo_newlink.hex");

fn unhex(s: &str) -> Vec<u8> {
    let s = s.trim();
    (0..s.len())
        .step_by(2)
        .map(|i| u8::from_str_radix(&s[i..i + 2], 16).expect("hex"))
        .collect()
}

#[test]
fn a_captured_loopback_decodes() {
    let bytes = unhex(CAPTURED_LO);
    let (answers, _) = decode_messages(&bytes).unwrap();
    let [Answer::Message(RouteNetlinkMessage::NewLink(l))] = answers.as_slice() else {
        panic!("expected one link, got {answers:?}");
    };
    let link = link_of(l);
    assert_eq!(link.index, 1);
    assert_eq!(link.name, "lo");
    assert_eq!(link.mtu, Some(65536));
    assert_eq!(link.mac.as_deref(), Some("00:00:00:00:00:00"));
    assert_eq!(link.state, OperState::Down);
    assert!(!link.admin_up);
    assert_eq!(
        (link.kind, link.master, link.peer_index, link.peer_netnsid),
        (None, None, None, None)
    );
    // Every truncation of real bytes decodes or errors, never panics.
    for cut in 0..bytes.len() {
        let _ = decode_messages(&bytes[..cut]);
    }
}
