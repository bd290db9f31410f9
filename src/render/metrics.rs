//! `-o prometheus`: the classic Prometheus text format, the one node-exporter's textfile
//! collector reads. Every metric is a gauge: the collector rejects a whole file holding an
//! OpenMetrics-only type (`info`, `stateset`). The text is written by the `prometheus` crate's
//! `TextEncoder` (HELP and TYPE lines, label values escaped); this module only gathers the
//! values each command reports, under the names the README documents.

use prometheus::{Encoder, GaugeVec, Opts, Registry, TextEncoder};
use std::collections::BTreeMap;

/// The metrics of one run, built up family by family.
pub struct Metrics {
    registry: Registry,
    families: BTreeMap<&'static str, GaugeVec>,
    /// The first family that could not be made (a bad name or label: a bug), reported by
    /// `text` rather than panicking.
    broken: Option<String>,
}

impl Default for Metrics {
    fn default() -> Self {
        Self::new()
    }
}

impl Metrics {
    /// No metric yet.
    pub fn new() -> Self {
        Metrics {
            registry: Registry::new(),
            families: BTreeMap::new(),
            broken: None,
        }
    }

    /// The family `name`, made (with its help text and label names) on first use.
    fn family(&mut self, name: &'static str, help: &str, labels: &[&str]) -> Option<&GaugeVec> {
        if !self.families.contains_key(name) {
            let made = GaugeVec::new(Opts::new(name, help), labels).and_then(|vec| {
                self.registry.register(Box::new(vec.clone()))?;
                Ok(vec)
            });
            match made {
                Ok(vec) => {
                    self.families.insert(name, vec);
                }
                Err(e) => {
                    self.broken.get_or_insert(format!("metric {name}: {e}"));
                    return None;
                }
            }
        }
        self.families.get(name)
    }

    fn series(
        &mut self,
        name: &'static str,
        help: &str,
        labels: &[(&str, &str)],
    ) -> Option<prometheus::Gauge> {
        let names: Vec<&str> = labels.iter().map(|(n, _)| *n).collect();
        let values: Vec<&str> = labels.iter().map(|(_, v)| *v).collect();
        match self
            .family(name, help, &names)?
            .get_metric_with_label_values(&values)
        {
            Ok(g) => Some(g),
            Err(e) => {
                self.broken.get_or_insert(format!("metric {name}: {e}"));
                None
            }
        }
    }

    /// Sets a gauge (`labels` are name/value pairs, in the family's label order).
    pub fn set(&mut self, name: &'static str, help: &str, labels: &[(&str, &str)], v: f64) {
        if let Some(g) = self.series(name, help, labels) {
            g.set(v);
        }
    }

    /// Adds to a gauge (a count gathered item by item); the series exists even when `v` is 0.
    pub fn add(&mut self, name: &'static str, help: &str, labels: &[(&str, &str)], v: f64) {
        if let Some(g) = self.series(name, help, labels) {
            g.add(v);
        }
    }

    /// Adds the run's own gauges: whether `command` ran to the end, and when it finished.
    pub fn finish(&mut self, command: &str, success: bool, at: std::time::SystemTime) {
        let seconds = at
            .duration_since(std::time::UNIX_EPOCH)
            .map(|d| d.as_secs_f64())
            .unwrap_or(0.0);
        self.set(
            "cnictl_scrape_success",
            "1 when the cnictl command ran to the end, 0 when it could not run (see its stderr)",
            &[("command", command)],
            if success { 1.0 } else { 0.0 },
        );
        self.set(
            "cnictl_last_run_timestamp_seconds",
            "When the cnictl command last finished, in seconds since the Unix epoch",
            &[("command", command)],
            seconds,
        );
    }

    /// The text exposition: HELP and TYPE lines, then the samples, families sorted by name.
    pub fn text(&self) -> anyhow::Result<String> {
        if let Some(e) = &self.broken {
            anyhow::bail!("cannot write the Prometheus metrics: {e}");
        }
        let mut out = Vec::new();
        TextEncoder::new()
            .encode(&self.registry.gather(), &mut out)
            .map_err(|e| anyhow::anyhow!("cannot write the Prometheus metrics: {e}"))?;
        String::from_utf8(out)
            .map_err(|e| anyhow::anyhow!("cannot write the Prometheus metrics: {e}"))
    }
}

/// `"true"` or `"false"`, for boolean labels.
pub fn bool_label(b: bool) -> &'static str {
    if b {
        "true"
    } else {
        "false"
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn text_is_classic_gauges_with_escaped_labels() {
        let mut m = Metrics::new();
        m.set(
            "cnictl_test_value",
            "A help text with a \\ backslash\nand a newline",
            &[("network", "a\"b\\c\nd")],
            1.0,
        );
        m.add("cnictl_test_count", "Counts", &[("k", "x")], 2.0);
        m.add("cnictl_test_count", "Counts", &[("k", "x")], 3.0);
        m.add("cnictl_test_count", "Counts", &[("k", "y")], 0.0);
        let t = m.text().unwrap();
        assert!(
            t.contains(
                "# HELP cnictl_test_value A help text with a \\\\ backslash\\nand a newline\n"
            ),
            "{t}"
        );
        assert!(t.contains("# TYPE cnictl_test_value gauge\n"), "{t}");
        assert!(
            t.contains("cnictl_test_value{network=\"a\\\"b\\\\c\\nd\"} 1\n"),
            "{t}"
        );
        assert!(t.contains("cnictl_test_count{k=\"x\"} 5\n"), "{t}");
        assert!(t.contains("cnictl_test_count{k=\"y\"} 0\n"), "{t}");
        assert!(!t.contains("# EOF"), "{t}");
        assert!(t.find("cnictl_test_count").unwrap() < t.find("cnictl_test_value").unwrap());
    }

    #[test]
    fn finish_adds_success_and_timestamp() {
        let mut m = Metrics::new();
        let at = std::time::UNIX_EPOCH + std::time::Duration::from_millis(1_700_000_000_500);
        m.finish("status", false, at);
        let t = m.text().unwrap();
        assert!(
            t.contains("cnictl_scrape_success{command=\"status\"} 0\n"),
            "{t}"
        );
        assert!(
            t.contains("cnictl_last_run_timestamp_seconds{command=\"status\"} 1700000000.5\n"),
            "{t}"
        );
    }

    #[test]
    fn a_bad_name_or_label_count_is_an_error_not_a_panic() {
        let mut m = Metrics::new();
        m.set("bad name", "x", &[], 1.0);
        assert!(m.text().unwrap_err().to_string().contains("bad name"));
        let mut m = Metrics::new();
        m.set("cnictl_x", "x", &[("a", "1")], 1.0);
        m.set("cnictl_x", "x", &[("a", "1"), ("b", "2")], 1.0);
        assert!(m.text().is_err());
    }
}
