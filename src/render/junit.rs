//! JUnit XML, the report format CI systems (GitLab, Jenkins, GitHub test reporters) read:
//! suites of test cases, each passing or failing. Shared by every command that reports as
//! tests (`validate -o junit`: a case per file). Text is escaped by the XML writer; control
//! characters, which XML 1.0 cannot carry even escaped, are written as `\u001b`-style escapes.

use quick_xml::events::{BytesDecl, BytesText, Event};
use quick_xml::Writer;
use std::borrow::Cow;
use std::fmt::Write as _;
use std::io;

/// A test suite.
#[derive(Debug, Clone, Default)]
pub struct Suite {
    /// Its name.
    pub name: String,
    /// Its cases.
    pub cases: Vec<Case>,
}

/// A test case.
#[derive(Debug, Clone, Default)]
pub struct Case {
    /// Its name.
    pub name: String,
    /// Its class name (CI systems group by it).
    pub classname: String,
    /// Why it failed; None when it passed.
    pub failure: Option<Failure>,
    /// Output to show with the case whether it failed or not.
    pub system_out: Option<String>,
    /// Why it was skipped; None when it ran.
    pub skipped: Option<String>,
    /// Its wall time, when measured (the `time` attribute, in seconds).
    pub time: Option<std::time::Duration>,
}

/// A failure of a case.
#[derive(Debug, Clone, Default)]
pub struct Failure {
    /// One line.
    pub message: String,
    /// Its kind (the `type` attribute).
    pub kind: String,
    /// The details.
    pub text: String,
}

impl Suite {
    /// How many cases failed.
    pub fn failures(&self) -> usize {
        self.cases.iter().filter(|c| c.failure.is_some()).count()
    }

    /// How many cases were skipped.
    pub fn skipped(&self) -> usize {
        self.cases.iter().filter(|c| c.skipped.is_some()).count()
    }
}

/// XML 1.0 cannot hold most control characters, not even as references.
fn xml_safe(s: &str) -> Cow<'_, str> {
    let bad = |c: char| c.is_control() && !matches!(c, '\t' | '\n' | '\r');
    if !s.chars().any(bad) {
        return Cow::Borrowed(s);
    }
    let mut out = String::with_capacity(s.len() + 8);
    for c in s.chars() {
        if bad(c) {
            let _ = write!(out, "\\u{:04x}", c as u32);
        } else {
            out.push(c);
        }
    }
    Cow::Owned(out)
}

/// The document for `suites`: `<testsuites>` with the totals, a `<testsuite>` each.
pub fn write(suites: &[Suite]) -> io::Result<String> {
    let mut w = Writer::new_with_indent(Vec::new(), b' ', 2);
    w.write_event(Event::Decl(BytesDecl::new("1.0", Some("UTF-8"), None)))?;
    let tests: usize = suites.iter().map(|s| s.cases.len()).sum();
    let failures: usize = suites.iter().map(Suite::failures).sum();
    w.create_element("testsuites")
        .with_attribute(("tests", tests.to_string().as_str()))
        .with_attribute(("failures", failures.to_string().as_str()))
        .with_attribute(("errors", "0"))
        .write_inner_content(|w| {
            for s in suites {
                w.create_element("testsuite")
                    .with_attribute(("name", xml_safe(&s.name).as_ref()))
                    .with_attribute(("tests", s.cases.len().to_string().as_str()))
                    .with_attribute(("failures", s.failures().to_string().as_str()))
                    .with_attribute(("errors", "0"))
                    .with_attribute(("skipped", s.skipped().to_string().as_str()))
                    .write_inner_content(|w| {
                        for c in &s.cases {
                            write_case(w, c)?;
                        }
                        Ok(())
                    })?;
            }
            Ok(())
        })?;
    let mut text = String::from_utf8(w.into_inner())
        .map_err(|e| io::Error::new(io::ErrorKind::InvalidData, e))?;
    text.push('\n');
    Ok(text)
}

fn write_case(w: &mut Writer<Vec<u8>>, c: &Case) -> io::Result<()> {
    let time = c.time.map(|t| format!("{:.3}", t.as_secs_f64()));
    let mut el = w
        .create_element("testcase")
        .with_attribute(("name", xml_safe(&c.name).as_ref()))
        .with_attribute(("classname", xml_safe(&c.classname).as_ref()));
    if let Some(t) = &time {
        el = el.with_attribute(("time", t.as_str()));
    }
    if c.failure.is_none() && c.system_out.is_none() && c.skipped.is_none() {
        el.write_empty()?;
        return Ok(());
    }
    el.write_inner_content(|w| {
        if let Some(why) = &c.skipped {
            w.create_element("skipped")
                .with_attribute(("message", xml_safe(why).as_ref()))
                .write_empty()?;
        }
        if let Some(f) = &c.failure {
            w.create_element("failure")
                .with_attribute(("message", xml_safe(&f.message).as_ref()))
                .with_attribute(("type", xml_safe(&f.kind).as_ref()))
                .write_text_content(BytesText::new(&xml_safe(&f.text)))?;
        }
        if let Some(out) = &c.system_out {
            w.create_element("system-out")
                .write_text_content(BytesText::new(&xml_safe(out)))?;
        }
        Ok(())
    })?;
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn counts_escapes_and_control_characters() {
        let suites = [Suite {
            name: "s <1>".into(),
            cases: vec![
                Case {
                    name: "a&b\x1b.conf".into(),
                    classname: "k".into(),
                    failure: Some(Failure {
                        message: "1 \"error\"".into(),
                        kind: "error".into(),
                        text: "x < y\n".into(),
                    }),
                    ..Case::default()
                },
                Case {
                    name: "ok".into(),
                    classname: "k".into(),
                    ..Case::default()
                },
            ],
        }];
        let xml = write(&suites).unwrap();
        assert!(xml.starts_with("<?xml version=\"1.0\" encoding=\"UTF-8\"?>"));
        assert!(xml.contains("<testsuites tests=\"2\" failures=\"1\" errors=\"0\">"));
        assert!(xml.contains("name=\"s &lt;1&gt;\" tests=\"2\" failures=\"1\""));
        assert!(xml.contains("name=\"a&amp;b\\u001b.conf\""), "{xml}");
        assert!(xml.contains("message=\"1 &quot;error&quot;\" type=\"error\">x &lt; y"));
        assert!(xml.contains("<testcase name=\"ok\" classname=\"k\"/>"));
        assert!(!xml.contains('\x1b'));
    }

    #[test]
    fn skipped_cases_and_times() {
        let suites = [Suite {
            name: "s".into(),
            cases: vec![
                Case {
                    name: "gc".into(),
                    classname: "k".into(),
                    skipped: Some("not in 1.0.0".into()),
                    time: Some(std::time::Duration::from_millis(1500)),
                    ..Case::default()
                },
                Case {
                    name: "add".into(),
                    classname: "k".into(),
                    ..Case::default()
                },
            ],
        }];
        let xml = write(&suites).unwrap();
        assert!(
            xml.contains("tests=\"2\" failures=\"0\" errors=\"0\" skipped=\"1\""),
            "{xml}"
        );
        assert!(
            xml.contains("<testcase name=\"gc\" classname=\"k\" time=\"1.500\">"),
            "{xml}"
        );
        assert!(xml.contains("<skipped message=\"not in 1.0.0\"/>"), "{xml}");
    }
}
