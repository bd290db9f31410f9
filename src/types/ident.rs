//! The identifier rules of libcni's `pkg/utils`: container IDs, network names, interface
//! names. cnictl checks them on every operation, before any path is built from them.

use super::error::CniError;

/// `^[a-zA-Z0-9][a-zA-Z0-9_.\-]*$`, ASCII only.
fn matches_id_pattern(s: &str) -> bool {
    let mut bytes = s.bytes();
    match bytes.next() {
        Some(b) if b.is_ascii_alphanumeric() => {}
        _ => return false,
    }
    bytes.all(|b| b.is_ascii_alphanumeric() || b == b'_' || b == b'.' || b == b'-')
}

/// Checks a container ID (code 3 when empty, 4 when malformed).
pub fn validate_container_id(id: &str) -> Result<(), CniError> {
    if id.is_empty() {
        return Err(CniError::new(3, "missing containerID"));
    }
    if !matches_id_pattern(id) {
        return Err(CniError::with_details(
            4,
            "invalid characters in containerID",
            id,
        ));
    }
    Ok(())
}

/// Checks a network name (code 7).
pub fn validate_network_name(name: &str) -> Result<(), CniError> {
    if name.is_empty() {
        return Err(CniError::new(7, "missing network name:"));
    }
    if !matches_id_pattern(name) {
        return Err(CniError::with_details(
            7,
            "invalid characters found in network name",
            name,
        ));
    }
    Ok(())
}

/// Checks an interface name (code 4), in libcni's order.
pub fn validate_ifname(name: &str) -> Result<(), CniError> {
    if name.is_empty() {
        return Err(CniError::new(4, "interface name is empty"));
    }
    if name.len() > 15 {
        return Err(CniError::with_details(
            4,
            "interface name is too long",
            "interface name should be less than 16 characters",
        ));
    }
    if name == "." || name == ".." {
        return Err(CniError::new(4, "interface name is . or .."));
    }
    if name
        .chars()
        .any(|c| c == '/' || c == ':' || c.is_whitespace())
    {
        return Err(CniError::new(
            4,
            "interface name contains / or : or whitespace characters",
        ));
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn container_ids() {
        assert_eq!(validate_container_id("").unwrap_err().code, 3);
        let e = validate_container_id("some-%%container-id").unwrap_err();
        assert_eq!(
            (e.code, e.msg.as_str(), e.details.as_str()),
            (
                4,
                "invalid characters in containerID",
                "some-%%container-id"
            )
        );
        assert!(validate_container_id("a51debf7e1eb").is_ok());
        assert!(validate_container_id("a").is_ok());
        assert!(validate_container_id("_a").is_err());
        assert!(validate_container_id("-a").is_err());
        assert!(validate_container_id("x/../../y").is_err());
    }

    #[test]
    fn network_names() {
        assert_eq!(
            validate_network_name("").unwrap_err().msg,
            "missing network name:"
        );
        let e = validate_network_name("invalid-%%-name").unwrap_err();
        assert_eq!(
            (e.code, e.msg.as_str()),
            (7, "invalid characters found in network name")
        );
        assert!(validate_network_name("../../etc/x").is_err());
        assert!(validate_network_name("mynet").is_ok());
    }

    #[test]
    fn interface_names() {
        assert_eq!(
            validate_ifname("").unwrap_err().msg,
            "interface name is empty"
        );
        assert_eq!(
            validate_ifname("1234567890123456").unwrap_err().msg,
            "interface name is too long"
        );
        assert!(validate_ifname("123456789012345").is_ok());
        assert_eq!(
            validate_ifname(".").unwrap_err().msg,
            "interface name is . or .."
        );
        assert_eq!(
            validate_ifname("..").unwrap_err().msg,
            "interface name is . or .."
        );
        for bad in ["test/test", "test:test", "test test"] {
            assert_eq!(validate_ifname(bad).unwrap_err().code, 4);
        }
    }
}
