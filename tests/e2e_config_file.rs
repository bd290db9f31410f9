//! End to end: a config given as a file path runs add, check and del with Debian's plugins
//! while the config dir holds nothing, and a later `del NAME` uses that file. Needs root.

mod common;

use common::Lab;
use serde_json::json;

#[test]
#[ignore = "needs root and Debian's containernetworking-plugins in /usr/lib/cni"]
fn a_conflist_given_as_a_path_runs_add_check_del_without_the_config_dir() {
    let lab = Lab::new();
    let net = format!("file{}", lab.token);
    let conf = json!({
        "cniVersion": "1.0.0",
        "name": net,
        "plugins": [
            {"type": "bridge", "bridge": lab.bridge(), "isGateway": true, "ipMasq": false,
             "ipam": {"type": "host-local", "dataDir": lab.ipam_dir(),
                      "ranges": [[{"subnet": "10.241.10.0/24"}]]}}
        ]
    });
    let file = lab.dir.path().join("work").join("my.conflist");
    std::fs::create_dir_all(file.parent().unwrap()).unwrap();
    std::fs::write(&file, conf.to_string()).unwrap();
    let path = file.to_str().unwrap();
    let ctr = lab.container("f");

    let add = lab
        .cnictl(&["add", path, &ctr])
        .expect(0, "add from the file");
    let addr = add.json()["ips"][0]["address"]
        .as_str()
        .expect("an address")
        .to_string();
    assert!(addr.starts_with("10.241.10."), "{addr}");
    let a = lab.ip(&ctr, &["-o", "addr", "show", "dev", "eth0"]);
    assert!(a.stdout.contains(&addr), "eth0 lacks {addr}: {}", a.stdout);
    assert_eq!(lab.reservations(&net).len(), 1);
    // Cached under the network's name.
    assert_eq!(lab.cache_files().len(), 1);
    assert!(lab.cache_files()[0].starts_with(&format!("{net}-")));

    lab.cnictl(&["check", path, &ctr])
        .expect(0, "check from the file");
    // By name: the record names the file; the (empty) config dir is not needed.
    lab.cnictl(&["del", &net, &ctr]).expect(0, "del by name");
    assert!(
        lab.ip(&ctr, &["link", "show", "eth0"]).code != 0,
        "eth0 is gone"
    );
    assert!(lab.reservations(&net).is_empty(), "the address is released");
    assert!(lab.cache_files().is_empty());
    assert_eq!(
        std::fs::read_dir(lab.conf_dir()).unwrap().count(),
        0,
        "the config dir stayed empty"
    );
}
