//! CLI tests of what cnictl prints (no root, fake plugins): the result JSON of a piped `add`
//! exactly as the last plugin returned it, `-o table`, the `-v` timeline and the `-vv` trace on
//! stderr, and silence of `check` and `del` on success.

mod common;

use common::fake::{tags, Sandbox};
use serde_json::{json, Value};

const NET: &str = "out";

/// What p3 returns: key order of its own, an unknown key and a number with a trailing zero.
const P3_RESULT: &str = r#"{"cniVersion":"1.1.0","x-extra":{"weight":2.50,"list":[3,1,2]},"interfaces":[{"name":"host7","mac":"0a:00:00:00:00:07","mtu":1500},{"name":"eth0","mac":"0a:00:00:00:01:07","mtu":1450,"sandbox":"SANDBOX"}],"ips":[{"interface":1,"address":"10.7.0.2/24","gateway":"10.7.0.1"}],"routes":[{"dst":"0.0.0.0/0","gw":"10.7.0.1"}],"dns":{"nameservers":["10.7.0.53","10.7.0.54"],"search":["example.test"]}}"#;

fn sandbox() -> (Sandbox, Value) {
    let sb = Sandbox::new(&["p1", "p2", "p3"]);
    sb.conflist(
        NET,
        "1.1.0",
        json!([{"type": "p1"}, {"type": "p2"}, {"type": "p3"}]),
    );
    let result: Value = serde_json::from_str(&P3_RESULT.replace("SANDBOX", sb.ns())).unwrap();
    sb.rules(json!([{"plugin": "p3", "command": "ADD", "action": "result", "result": result}]));
    (sb, result)
}

/// `v` printed as cnitool prints a result: pretty, 4-space indent, trailing newline.
fn cnitool_pretty(v: &Value) -> String {
    let mut buf = Vec::new();
    let fmt = serde_json::ser::PrettyFormatter::with_indent(b"    ");
    let mut ser = serde_json::Serializer::with_formatter(&mut buf, fmt);
    serde::Serialize::serialize(v, &mut ser).unwrap();
    buf.push(b'\n');
    String::from_utf8(buf).unwrap()
}

#[test]
fn piped_add_prints_the_result_json_as_the_last_plugin_returned_it() {
    let (sb, result) = sandbox();
    let r = sb.run(&["add", NET, sb.ns()]).expect(0, "add");
    assert_eq!(r.stdout, cnitool_pretty(&result));
    // key order, the unknown key and the number as written
    assert!(r.stdout.contains("\"weight\": 2.50"), "{}", r.stdout);
    assert!(
        r.stdout.find("\"x-extra\"") < r.stdout.find("\"interfaces\""),
        "{}",
        r.stdout
    );
    assert_eq!(r.stderr, "");
}

#[test]
fn table_output_of_add() {
    let (sb, _) = sandbox();
    let r = sb
        .run(&["add", NET, sb.ns(), "-o", "table"])
        .expect(0, "add -o table");
    assert!(
        !r.stdout.contains(['│', '─', '┌', '|']),
        "borders when piped:\n{}",
        r.stdout
    );
    let rows: Vec<Vec<&str>> = r
        .stdout
        .lines()
        .map(|l| l.split_whitespace().collect::<Vec<_>>())
        .filter(|w| !w.is_empty())
        .collect();
    let want: Vec<Vec<&str>> = vec![
        vec!["INTERFACE", "MAC", "MTU", "SANDBOX"],
        vec!["host7", "0a:00:00:00:00:07", "1500"],
        vec!["eth0", "0a:00:00:00:01:07", "1450", sb.ns()],
        vec!["ADDRESS", "GATEWAY", "INTERFACE"],
        vec!["10.7.0.2/24", "10.7.0.1", "eth0"],
        vec!["ROUTE", "GATEWAY"],
        vec!["0.0.0.0/0", "10.7.0.1"],
        vec!["DNS", "VALUE"],
        vec!["nameservers", "10.7.0.53,", "10.7.0.54"],
        vec!["search", "example.test"],
    ];
    assert_eq!(rows, want, "table:\n{}", r.stdout);
    assert_eq!(r.stderr, "");
}

/// The timeline line of a call: plugin, command, elapsed ms, exit status, tags.
fn timeline(stderr: &str) -> Vec<String> {
    stderr
        .lines()
        .filter(|l| !l.starts_with(' ') && !l.contains(':'))
        .map(|l| {
            let w: Vec<&str> = l.split_whitespace().collect();
            assert!(
                w.len() >= 5 && w[3] == "ms" && w[2].parse::<f64>().is_ok(),
                "not a timeline line: {l:?}"
            );
            // drop the time, keep the rest
            let mut kept = vec![w[0], w[1]];
            kept.extend(&w[4..]);
            kept.join(" ")
        })
        .collect()
}

#[test]
fn verbose_prints_a_timeline_on_stderr() {
    let (sb, result) = sandbox();
    let r = sb.run(&["-v", "add", NET, sb.ns()]).expect(0, "add -v");
    assert_eq!(r.stdout, cnitool_pretty(&result), "stdout still the result");
    assert_eq!(
        timeline(&r.stderr),
        ["p1 ADD exit 0", "p2 ADD exit 0", "p3 ADD exit 0"],
        "{}",
        r.stderr
    );
    sb.take_calls();
    let r = sb.run(&["-v", "check", NET, sb.ns()]).expect(0, "check -v");
    assert_eq!(
        timeline(&r.stderr),
        ["p1 CHECK exit 0", "p2 CHECK exit 0", "p3 CHECK exit 0"],
        "{}",
        r.stderr
    );
    assert!(r.stderr.contains("CHECK passed"), "{}", r.stderr);
    let r = sb.run(&["-v", "del", NET, sb.ns()]).expect(0, "del -v");
    assert_eq!(
        timeline(&r.stderr),
        ["p3 DEL exit 0", "p2 DEL exit 0", "p1 DEL exit 0"],
        "{}",
        r.stderr
    );

    // a failing chain: the failed call with its CNI code, then the rollback DELs
    sb.rules(
        json!([{"plugin": "p2", "command": "ADD", "action": "error", "code": 7, "msg": "no"}]),
    );
    let r = sb
        .run(&["-v", "add", NET, sb.ns()])
        .expect(1, "failing add -v");
    let tl: Vec<String> = timeline(&r.stderr);
    assert_eq!(
        tl,
        [
            "p1 ADD exit 0",
            "p2 ADD exit 1 code 7",
            "p3 DEL exit 0 (rollback)",
            "p2 DEL exit 0 (rollback)",
            "p1 DEL exit 0 (rollback)"
        ],
        "{}",
        r.stderr
    );
}

#[test]
fn very_verbose_adds_each_calls_stdin_env_and_output() {
    let (sb, _) = sandbox();
    sb.rules(json!([
        {"plugin": "p3", "command": "ADD", "action": "result", "stderr": "p3 notes this\n",
         "result": serde_json::from_str::<Value>(&P3_RESULT.replace("SANDBOX", sb.ns())).unwrap()}
    ]));
    let r = sb
        .run(&[
            "-vv",
            "add",
            NET,
            sb.ns(),
            "--container-id",
            "c1",
            "--arg",
            "A=1",
        ])
        .expect(0, "add -vv");
    let calls = sb.take_calls();
    assert_eq!(tags(&calls), ["p1 ADD", "p2 ADD", "p3 ADD"]);
    // the trace of each call is the block of indented lines after its timeline line
    let mut blocks: Vec<Vec<&str>> = Vec::new();
    for l in r.stderr.lines() {
        if let Some(rest) = l.strip_prefix("  ") {
            if let Some(b) = blocks.last_mut() {
                b.push(rest);
            }
        } else if l.starts_with('p') {
            blocks.push(Vec::new());
        }
    }
    assert_eq!(blocks.len(), 3, "{}", r.stderr);
    let bin = sb.bin();
    for (c, b) in calls.iter().zip(&blocks) {
        let mut want = vec![format!("path: {}", bin.join(c.plugin()).display())];
        for k in [
            "CNI_COMMAND",
            "CNI_CONTAINERID",
            "CNI_NETNS",
            "CNI_IFNAME",
            "CNI_ARGS",
            "CNI_PATH",
        ] {
            want.push(format!("{k}={}", c.env(k).expect(k)));
        }
        // the stdin shown is byte for byte what the plugin read
        want.push(format!("stdin: {}", c.stdin_raw()));
        assert_eq!(&b[..8], &want[..], "trace of {}", c.tag());
        assert!(
            b[8].starts_with("stdout: {"),
            "trace of {}: {:?}",
            c.tag(),
            b
        );
    }
    assert_eq!(
        blocks[2].get(9),
        Some(&"stderr: p3 notes this"),
        "{:?}",
        blocks[2]
    );
    assert_eq!(blocks[0].len(), 9, "p1 wrote no stderr: {:?}", blocks[0]);
}

#[test]
fn check_and_del_are_silent_on_success() {
    let (sb, _) = sandbox();
    sb.run(&["add", NET, sb.ns()]).expect(0, "add");
    let r = sb.run(&["check", NET, sb.ns()]).expect(0, "check");
    assert_eq!((r.stdout.as_str(), r.stderr.as_str()), ("", ""));
    let r = sb
        .run(&["check", NET, sb.ns(), "-o", "table"])
        .expect(0, "check -o table");
    assert_eq!((r.stdout.as_str(), r.stderr.as_str()), ("", ""));
    let r = sb.run(&["del", NET, sb.ns()]).expect(0, "del");
    assert_eq!((r.stdout.as_str(), r.stderr.as_str()), ("", ""));
    assert_eq!(
        tags(&sb.take_calls()),
        [
            "p1 ADD", "p2 ADD", "p3 ADD", "p1 CHECK", "p2 CHECK", "p3 CHECK", "p1 CHECK",
            "p2 CHECK", "p3 CHECK", "p3 DEL", "p2 DEL", "p1 DEL"
        ]
    );
}
