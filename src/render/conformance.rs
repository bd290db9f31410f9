//! `cnictl conformance`: the steps of each round as a table (one row per step, each message
//! on a row of its own below it), as JSON (docs/schemas/conformance.v1.json), or as JUnit
//! XML (a suite per cniVersion, a test case per step).

use super::junit::{self, Case, Failure, Suite};
use super::{Printer, State};
use crate::cli::conformance::Report;
use cnictl::conformance::Verdict;
use serde_json::{json, Value};

fn state_of(v: Verdict) -> State {
    match v {
        Verdict::Pass => State::Good,
        Verdict::Warn | Verdict::Skip => State::Warn,
        Verdict::Fail => State::Bad,
    }
}

fn ms(d: std::time::Duration) -> f64 {
    (d.as_secs_f64() * 10_000.0).round() / 10.0
}

/// Counts of pass, warn, fail, skip over every round.
fn counts(r: &Report) -> [usize; 4] {
    let mut c = [0; 4];
    for s in r.rounds.iter().flat_map(|r| &r.steps) {
        c[match s.verdict {
            Verdict::Pass => 0,
            Verdict::Warn => 1,
            Verdict::Fail => 2,
            Verdict::Skip => 3,
        }] += 1;
    }
    c
}

/// The table: VERSION, STEP, RESULT, TIME; each message indented on its own row; then the
/// summary line.
pub fn table(p: &Printer, r: &Report) -> String {
    let mut t = p.table(&["VERSION", "STEP", "RESULT", "TIME"]);
    t.shrink(&["STEP"]);
    for round in &r.rounds {
        for s in &round.steps {
            let time = if s.verdict == Verdict::Skip {
                "-".to_string()
            } else {
                format!("{:.1} ms", ms(s.elapsed))
            };
            t.add_row(vec![
                round.cni_version.clone(),
                s.name.to_string(),
                p.state(s.verdict.as_str(), state_of(s.verdict)),
                time,
            ]);
        }
    }
    let mut out = t.render();
    // Why steps failed, warned or were skipped: one row per message ("not run" of the steps
    // after a failure left out: the failure says why), cut to the width like any cell.
    let mut why = p.table(&["VERSION", "STEP", "MESSAGE"]);
    why.shrink(&["MESSAGE"]);
    let mut any = false;
    for round in &r.rounds {
        for s in &round.steps {
            for m in s.messages.iter().filter(|m| !m.starts_with("not run")) {
                any = true;
                why.add_row(vec![
                    round.cni_version.clone(),
                    s.name.to_string(),
                    one_line(m),
                ]);
            }
        }
    }
    if any {
        out.push('\n');
        out.push_str(&why.render());
    }
    let [pass, warn, fail, skip] = counts(r);
    let verdict = if fail > 0 || !r.cleanup.is_empty() {
        p.state("failed", State::Bad)
    } else {
        p.state("passed", State::Good)
    };
    out.push_str(&format!(
        "\n{verdict}: {pass} passed, {warn} warned, {fail} failed, {skip} skipped\n"
    ));
    out
}

/// Where the run ran, for a note on stderr.
pub fn where_note(r: &Report) -> String {
    format!(
        "network \"{}\" ran as \"{}\" with the plugins in {}{}",
        r.network,
        r.private_name,
        r.host_netns,
        if r.host_netns_made {
            " (made for the run and removed)"
        } else {
            ""
        }
    )
}

/// A message on one line (plugin errors may end in a newline).
fn one_line(m: &str) -> String {
    m.split_whitespace().collect::<Vec<_>>().join(" ")
}

/// The JSON document (docs/schemas/conformance.v1.json).
pub fn json(r: &Report) -> Value {
    let [pass, warn, fail, skip] = counts(r);
    json!({
        "command": "conformance",
        "ok": fail == 0 && r.cleanup.is_empty() && r.interrupted.is_none(),
        "network": r.network,
        "file": r.file.as_ref().map(|f| f.display().to_string()),
        "privateName": r.private_name,
        "hostNetns": r.host_netns,
        "hostNetnsMade": r.host_netns_made,
        "rounds": r.rounds.iter().map(|round| json!({
            "cniVersion": round.cni_version,
            "steps": round.steps.iter().map(|s| json!({
                "id": s.id,
                "name": s.name,
                "result": s.verdict.as_str(),
                "ms": ms(s.elapsed),
                "messages": s.messages,
            })).collect::<Vec<_>>(),
        })).collect::<Vec<_>>(),
        "summary": {"passed": pass, "warned": warn, "failed": fail, "skipped": skip},
        "cleanup": r.cleanup,
        "interrupted": r.interrupted.map(cnictl::invoke::error::signal_name),
    })
}

/// JUnit XML: a suite per cniVersion, a case per step (warnings as output of a passing case).
pub fn junit(r: &Report) -> std::io::Result<String> {
    let mut suites: Vec<Suite> = r
        .rounds
        .iter()
        .map(|round| Suite {
            name: format!("cnictl conformance {} {}", r.network, round.cni_version),
            cases: round
                .steps
                .iter()
                .map(|s| {
                    let text = s.messages.join("\n");
                    Case {
                        name: s.name.to_string(),
                        // JUnit tools split a classname at its dots: none in the version.
                        classname: format!(
                            "cnictl.conformance.v{}",
                            round.cni_version.replace('.', "_")
                        ),
                        failure: (s.verdict == Verdict::Fail).then(|| Failure {
                            message: s
                                .messages
                                .first()
                                .and_then(|m| m.lines().next())
                                .unwrap_or_default()
                                .to_string(),
                            kind: "fail".into(),
                            text: text.clone(),
                        }),
                        system_out: (s.verdict == Verdict::Warn
                            || (s.verdict == Verdict::Pass && !text.is_empty()))
                        .then(|| text.clone()),
                        skipped: (s.verdict == Verdict::Skip)
                            .then(|| s.messages.first().cloned().unwrap_or_default()),
                        time: (s.verdict != Verdict::Skip).then_some(s.elapsed),
                    }
                })
                .collect(),
        })
        .collect();
    // What the clean-up could not remove fails the run: a case of its own.
    if !r.cleanup.is_empty() {
        suites.push(Suite {
            name: format!("cnictl conformance {} clean-up", r.network),
            cases: vec![Case {
                name: "clean-up".into(),
                classname: "cnictl.conformance.cleanup".into(),
                failure: Some(Failure {
                    message: r.cleanup[0].clone(),
                    kind: "fail".into(),
                    text: r.cleanup.join("\n"),
                }),
                ..Case::default()
            }],
        });
    }
    junit::write(&suites)
}
