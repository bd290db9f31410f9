//! `cnictl conformance NETWORK|FILE`: runs the lifecycle the CNI spec requires of a chain in
//! namespaces the run makes and removes itself (a throwaway plugins' namespace unless
//! `--host-netns` names one, and throwaway container namespaces), under a private network
//! name, cache dir and IPAM data dir, and reports each step as pass, warn, fail or skip. The
//! judgments are the library's (`cnictl::conformance`); this file makes the namespaces,
//! calls the plugins through the runtime, snapshots the state and renders the report.

use super::inspect::save_rules;
use super::{attach, Settings};
use crate::render::{self, Output};
use anyhow::{bail, Context};
use cnictl::cache::{Cache, PluginNsRecord};
use cnictl::config::NetworkConfigList;
use cnictl::conformance::{self as conf, PrivateDirs, Round, State, Step, Verdict, STEPS};
use cnictl::invoke::{RawExec, VersionCache};
use cnictl::netlink::{self, Snapshot};
use cnictl::netns::{self, Guard, NsThread};
use cnictl::runtime::gc::{GcCall, StaleResult, ValidSet};
use cnictl::runtime::status::NetworkState;
use cnictl::runtime::{
    Attachment, CallRecord, DelRequest, Resolved, Runtime, DEFAULT_ROLLBACK_TIMEOUT,
};
use cnictl::types::version::Version;
use std::path::{Path, PathBuf};
use std::sync::atomic::Ordering;
use std::sync::Arc;
use std::time::Instant;

/// Arguments of `conformance`.
#[derive(Debug, clap::Args)]
pub struct ConformanceArgs {
    /// The network to test: a name in the config directory, or a config file (an argument
    /// with a `/`, e.g. ./my.conflist; my.conflist alone is a network name)
    #[arg(value_name = "NETWORK|FILE")]
    pub network: String,

    /// cniVersions to run the lifecycle with, comma-separated [default: every version of the
    /// config's cniVersions, else its cniVersion]
    #[arg(long, value_delimiter = ',', value_name = "VERSIONS")]
    pub versions: Vec<String>,

    /// Run every step even after one failed (by default the rest of the round is skipped)
    #[arg(long)]
    pub keep_going: bool,

    /// Skip the steps of a second interface (ADD eth1, CHECK both, DEL eth1), for a plugin
    /// that takes one interface of a network per container (the spec allows several)
    #[arg(long)]
    pub single_interface: bool,
}

/// The end of `conformance --help`.
pub const CONFORMANCE_HELP: &str = "\
The lifecycle, for each cniVersion: ADD eth0 (the result checked for its cniVersion:
required fields, addresses, gateways and routes parse, interface indexes in range, the
interface, addresses and routes really in the container, gateways reachable; sandbox
missing on the container interface is a warning), CHECK, ADD eth1, CHECK both, DEL eth1,
DEL, DEL again (DEL must be idempotent), DEL with the netns already gone (after an ADD in a
second namespace), ADD again, DEL, and for 1.1.0 and later GC with an empty valid set (what
it leaves is a warning) and STATUS. CHECK needs 0.4.0; no CHECK follows a DEL. After each
DEL that ends an attachment, the plugins' namespace (links, addresses, routes, iptables
rules), the container namespace and the IPAM data dir are compared with before: anything
left fails the step. The bridge a bridge plugin of the chain names (its bridge key,
default cni0) is kept by design (a note); any other new bridge is left behind.

The plugins run in a namespace made for the run (or --host-netns), never in cnictl's own;
the network is renamed, and the cache and host-local's dataDir are private temp dirs, all
removed at the end.";

/// What the report says about the run as a whole.
pub struct Report {
    /// The network as given (its name).
    pub network: String,
    /// The file it came from.
    pub file: Option<PathBuf>,
    /// The private name the run used.
    pub private_name: String,
    /// The plugins' namespace.
    pub host_netns: String,
    /// True when the run made (and removed) it.
    pub host_netns_made: bool,
    /// One round per cniVersion.
    pub rounds: Vec<Round>,
    /// Problems of the clean-up.
    pub cleanup: Vec<String>,
    /// The signal that stopped the run.
    pub interrupted: Option<i32>,
}

impl Report {
    /// True when a step failed or the clean-up left something of the run behind.
    pub fn failed(&self) -> bool {
        !self.cleanup.is_empty()
            || self
                .rounds
                .iter()
                .flat_map(|r| &r.steps)
                .any(|s| s.verdict == Verdict::Fail)
    }
}

/// A token for the names of this run's namespaces and dirs.
fn token() -> String {
    let nanos = std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .map(|d| d.subsec_nanos())
        .unwrap_or(0);
    format!("{:x}{:05x}", std::process::id(), nanos >> 12)
}

/// Runs `conformance`.
pub fn run(s: &Settings, a: ConformanceArgs) -> anyhow::Result<i32> {
    let list = attach::load_network(s, &a.network)?;
    let versions = conf::round_versions(&list, &a.versions);
    for v in &versions {
        if Version::parse(v).is_err() || !cnictl::KNOWN_VERSIONS.contains(&v.as_str()) {
            bail!(
                "cniVersion {v:?} cannot be run: it is none of {}",
                cnictl::KNOWN_VERSIONS.join(", ")
            );
        }
    }
    let token = token();
    // From here on a signal stops the running plugin and the run cleans up after itself.
    s.catch_signals()?;
    // The plugins' namespace: --host-netns when given (never cnictl's own or the node's),
    // else one made for this run.
    let own = Guard::new(None).context("cannot identify cnictl's own network namespace")?;
    // A namespace made here is removed when `host_made` drops (an early return, a panic)
    // unless the normal clean-up below removed it already.
    let (host_path, mut host_made) = match &s.host_netns {
        Some(p) => {
            own.existing(p)
                .with_context(|| format!("--host-netns {}", p.display()))?;
            (p.clone(), None)
        }
        None => {
            let name = format!("cnictl-conf-{token}-h");
            let p = netns::create_named(&name)
                .with_context(|| format!("cannot make the run's plugins' namespace {name}"))?;
            (p, Some(MadeNs::new(name)))
        }
    };
    let dirs = match PrivateDirs::create(&std::env::temp_dir(), &token) {
        Ok(d) => d,
        Err(e) => {
            if let Some(Err(e)) = host_made.as_mut().map(MadeNs::remove) {
                s.printer.warning(&e);
            }
            bail!("cannot make the run's temp dir: {e}");
        }
    };
    let outcome = run_rounds(s, &a, &list, &versions, &token, &host_path, &dirs);
    let mut cleanup = Vec::new();
    if let Err(e) = dirs.remove() {
        cleanup.push(format!("could not remove {}: {e}", dirs.root.display()));
    }
    if let Some(Err(e)) = host_made.as_mut().map(MadeNs::remove) {
        cleanup.push(e);
    }
    let (rounds, mut more) = outcome?;
    cleanup.append(&mut more);
    let signal = s.interrupt.load(Ordering::SeqCst);
    let report = Report {
        network: list.name.clone(),
        file: list.source.clone().filter(|_| list.named_file),
        private_name: format!("cnictl-conformance-{token}"),
        host_netns: host_path.display().to_string(),
        host_netns_made: host_made.is_some(),
        rounds,
        cleanup,
        interrupted: (signal != 0).then(|| i32::try_from(signal).unwrap_or(i32::MAX)),
    };
    if s.verbose > 0 || !s.printer.wants_json() && s.printer.format(Output::Table) != Output::Junit
    {
        s.printer.note(&render::conformance::where_note(&report));
    }
    for c in &report.cleanup {
        s.printer.error(&format!("clean-up: {c}"));
    }
    match s.printer.format(Output::Table) {
        Output::Json => render::print_json(&render::conformance::json(&report)),
        Output::Junit => render::write_stdout(
            &render::conformance::junit(&report).context("cannot write the JUnit report")?,
        ),
        _ => render::write_stdout(&render::conformance::table(&s.printer, &report)),
    }
    if let Some(sig) = report.interrupted {
        s.printer.error(&format!(
            "interrupted by {}: the run is incomplete",
            cnictl::invoke::error::signal_name(sig)
        ));
        return Ok(128_i32.saturating_add(sig));
    }
    Ok(if report.failed() { 1 } else { 0 })
}

#[allow(clippy::too_many_arguments)]
fn run_rounds(
    s: &Settings,
    a: &ConformanceArgs,
    list: &NetworkConfigList,
    versions: &[String],
    token: &str,
    host_path: &Path,
    dirs: &PrivateDirs,
) -> anyhow::Result<(Vec<Round>, Vec<String>)> {
    let host = Arc::new(NsThread::enter(host_path).with_context(|| {
        format!(
            "cannot enter the plugins' namespace {}",
            host_path.display()
        )
    })?);
    let guard =
        Guard::new(Some(host.id())).context("cannot identify cnictl's own network namespace")?;
    let exec = RawExec::with_spawner(host.runner());
    let observer = |c: &CallRecord| render::print_call(&s.printer, s.verbose, c);
    let (dev, ino) = host.id();
    let runtime = |limits: cnictl::invoke::ExecLimits| Runtime {
        env_memo: Default::default(),
        exec: &exec,
        cni_path: s.cni_path.clone(),
        cache: Cache::new(dirs.cache()),
        parent_env: s.parent_env.clone(),
        limits,
        observer: Some(&observer),
        plugin_ns: Some(PluginNsRecord {
            path: Some(host_path.display().to_string()),
            dev,
            ino,
        }),
        conf_dir: None,
        rollback_stop: Some(s.rollback_stop.clone()),
        guard: guard.clone(),
    };
    let rt = runtime(s.limits.clone());
    // The clean-up of a stopped round runs after a signal too, each DEL bounded.
    let cleanup_rt = runtime(cnictl::invoke::ExecLimits {
        timeout: Some(s.limits.timeout.unwrap_or(DEFAULT_ROLLBACK_TIMEOUT)),
        interrupt: None,
    });
    let name = format!("cnictl-conformance-{token}");
    let mut rounds = Vec::new();
    let mut cleanup = Vec::new();
    for version in versions {
        let mut r = RoundRun {
            s,
            rt: &rt,
            cleanup_rt: &cleanup_rt,
            exec: &exec,
            host: host.clone(),
            dirs,
            name: name.clone(),
            network: list.name.clone(),
            // One container ID per round: what a round could not clean up never blocks the
            // next one's ADD.
            container_id: format!("conformance-{token}-{}", version.replace('.', "")),
            token: token.to_string(),
            version: version.clone(),
            keep_going: a.keep_going,
            single_interface: a.single_interface,
            list: None,
            resolved: None,
            ns_a: None,
            ns_b: None,
            gone: None,
            attached: Vec::new(),
            baseline: None,
            mark: None,
            steps: Vec::new(),
            stopped: None,
        };
        r.run(list);
        cleanup.extend(r.clean_up());
        rounds.push(Round {
            cni_version: version.clone(),
            steps: r.steps,
        });
        if s.interrupt.load(Ordering::SeqCst) != 0 {
            break;
        }
    }
    Ok((rounds, cleanup))
}

/// A namespace the run made. Dropping it removes it (also when a panic unwinds) unless it was
/// removed already, so the normal clean-up and the drop never remove it twice.
struct MadeNs {
    name: String,
    removed: bool,
}

impl MadeNs {
    fn new(name: String) -> MadeNs {
        MadeNs {
            name,
            removed: false,
        }
    }

    /// Removes the namespace; one already gone counts as removed.
    fn remove(&mut self) -> Result<(), String> {
        if self.removed {
            return Ok(());
        }
        match netns::delete_named(&self.name) {
            Ok(()) => {}
            Err(e) if e.is_not_found() => {}
            Err(e) => return Err(format!("could not remove netns {}: {e}", self.name)),
        }
        self.removed = true;
        Ok(())
    }
}

impl Drop for MadeNs {
    fn drop(&mut self) {
        let _ = self.remove();
    }
}

/// A container namespace of the round. Its fields drop in order: the thread inside it
/// first, then the namespace is removed.
struct Container {
    thread: Arc<NsThread>,
    path: PathBuf,
    ns: MadeNs,
}

/// One round: the lifecycle at one cniVersion.
struct RoundRun<'a> {
    s: &'a Settings,
    rt: &'a Runtime<'a>,
    cleanup_rt: &'a Runtime<'a>,
    exec: &'a RawExec,
    host: Arc<NsThread>,
    dirs: &'a PrivateDirs,
    /// The private network name the chain runs under.
    name: String,
    /// The user's network name, which messages show instead of the private one.
    network: String,
    container_id: String,
    token: String,
    version: String,
    keep_going: bool,
    single_interface: bool,
    list: Option<NetworkConfigList>,
    resolved: Option<Resolved>,
    ns_a: Option<Container>,
    /// Namespace B of "DEL, netns gone" once its thread is gone, until it is removed.
    ns_b: Option<MadeNs>,
    /// The DEL of the attachment in namespace B, until it succeeds.
    gone: Option<DelRequest>,
    /// Interfaces attached in namespace A, for the clean-up.
    attached: Vec<String>,
    /// The state before the first ADD.
    baseline: Option<State>,
    /// The state a step compares with (taken by the step before it).
    mark: Option<State>,
    steps: Vec<Step>,
    /// Why the rest of the round does not run.
    stopped: Option<String>,
}

/// A step's verdict and messages.
type Outcome = (Verdict, Vec<String>);

fn fail(msg: impl Into<String>) -> Outcome {
    (Verdict::Fail, vec![msg.into()])
}

impl<'a> RoundRun<'a> {
    fn run(&mut self, list: &NetworkConfigList) {
        // A verb newer than the round's cniVersion is skipped, saying since when it exists.
        let too_old = |verb: &str, since: Version, round: &str| -> Option<Outcome> {
            if cnictl::types::version::at_least(round, since) {
                return None;
            }
            Some((
                Verdict::Skip,
                vec![format!("{verb} arrived with {since}; not part of {round}")],
            ))
        };
        let prepared = self.prepare(list);
        self.step("add", |r| match &prepared {
            Err(e) => fail(e.clone()),
            Ok(()) => r.add_step(),
        });
        if prepared.is_err() {
            // Nothing to run the other steps with, --keep-going or not.
            self.stopped = Some("not run: the round could not start".into());
            for (id, _) in STEPS.iter().skip(1) {
                self.step(id, |_| (Verdict::Skip, Vec::new()));
            }
            return;
        }
        self.step("check", |r| {
            if let Some(skip) = too_old("CHECK", Version::V0_4_0, &r.version) {
                return skip;
            }
            r.check(&["eth0"])
        });
        let one = || {
            (
                Verdict::Skip,
                vec!["--single-interface: the chain is run with one interface only".to_string()],
            )
        };
        self.step("add-eth1", |r| {
            if r.single_interface {
                return one();
            }
            r.mark = r.state().ok();
            let (verdict, mut messages) = r.add_checked("eth1");
            if verdict == Verdict::Fail {
                messages.push(
                    "a second interface of the same network in one container is allowed by the \
                     spec; for a plugin that takes only one, --single-interface skips these steps"
                        .to_string(),
                );
            }
            (verdict, messages)
        });
        self.step("check-both", |r| {
            if r.single_interface {
                return one();
            }
            if let Some(skip) = too_old("CHECK", Version::V0_4_0, &r.version) {
                return skip;
            }
            r.check(&["eth0", "eth1"])
        });
        self.step("del-eth1", |r| {
            if r.single_interface {
                return one();
            }
            r.del_step("eth1", true)
        });
        self.step("del", |r| {
            r.mark = r.baseline.clone();
            r.del_step("eth0", false)
        });
        self.step("del-again", |r| match r.del("eth0") {
            Ok(()) => (Verdict::Pass, Vec::new()),
            Err(e) => fail(format!(
                "a second DEL must succeed (DEL is idempotent): {e}"
            )),
        });
        self.step("del-netns-gone", |r| r.del_gone_step());
        self.step("add-again", |r| {
            r.mark = r.state().ok();
            r.add_checked("eth0")
        });
        self.step("del-final", |r| r.del_step("eth0", false));
        self.step("gc", |r| {
            if let Some(skip) = too_old("GC", Version::V1_1_0, &r.version) {
                return skip;
            }
            r.gc_step()
        });
        self.step("status", |r| {
            if let Some(skip) = too_old("STATUS", Version::V1_1_0, &r.version) {
                return skip;
            }
            r.status_step()
        });
    }

    /// The private list, its binaries and namespace A; an error fails the first step.
    fn prepare(&mut self, list: &NetworkConfigList) -> Result<(), String> {
        let private = conf::private_list(list, &self.name, &self.version, &self.dirs.ipam())
            .map_err(|e| {
                format!(
                    "the config cannot be run at cniVersion {}: {e}",
                    self.version
                )
            })?;
        let resolved = self.rt.resolve(&private).map_err(|e| e.to_string())?;
        self.list = Some(private);
        self.resolved = Some(resolved);
        let c = self.container("a")?;
        self.ns_a = Some(c);
        Ok(())
    }

    fn container(&self, suffix: &str) -> Result<Container, String> {
        let name = format!("cnictl-conf-{}-{suffix}", self.token);
        let path = netns::create_named(&name)
            .map_err(|e| format!("cannot make container namespace {name}: {e}"))?;
        let ns = MadeNs::new(name);
        match NsThread::enter(&path) {
            Ok(t) => Ok(Container {
                thread: Arc::new(t),
                path,
                ns,
            }),
            // `ns` drops here: the namespace is removed.
            Err(e) => Err(format!("cannot enter container namespace {}: {e}", ns.name)),
        }
    }

    /// Runs one step unless the round was stopped; times it; stops the round on a failure
    /// (unless --keep-going) or a signal.
    fn step(&mut self, id: &'static str, f: impl FnOnce(&mut Self) -> Outcome) {
        let name = STEPS
            .iter()
            .find(|(i, _)| *i == id)
            .map(|(_, n)| *n)
            .unwrap_or(id);
        if let Some(why) = &self.stopped {
            self.steps.push(Step {
                id,
                name,
                verdict: Verdict::Skip,
                elapsed: Default::default(),
                messages: vec![why.clone()],
            });
            return;
        }
        let started = Instant::now();
        let (verdict, messages) = f(self);
        let elapsed = started.elapsed();
        let messages = messages.iter().map(|m| self.users_name(m)).collect();
        if self.s.verbose > 0 {
            self.s
                .printer
                .note(&format!("{} {name}: {}", self.version, verdict.as_str()));
        }
        self.steps.push(Step {
            id,
            name,
            verdict,
            elapsed,
            messages,
        });
        if self.s.interrupt.load(Ordering::SeqCst) != 0 {
            self.stopped = Some("not run: the run was interrupted".into());
        } else if verdict == Verdict::Fail && !self.keep_going {
            self.stopped = Some(format!(
                "not run: step \"{name}\" failed (--keep-going runs every step)"
            ));
        }
    }

    /// `msg` with the private network name (`network "cnictl-conformance-..."` in the
    /// runtime's errors) replaced by the user's: the header says what it ran as.
    fn users_name(&self, msg: &str) -> String {
        msg.replace(
            &format!("\"{}\"", self.name),
            &format!("\"{}\"", self.network),
        )
    }

    fn list(&self) -> &NetworkConfigList {
        // Set by `prepare`, which the first step needs; later steps do not run without it.
        self.list.as_ref().expect("the round's list")
    }

    /// What the run can see now.
    fn state(&self) -> Result<State, String> {
        let read = |t: &NsThread, what: &str| -> Result<Snapshot, String> {
            t.run(netlink::read_snapshot)
                .map_err(|e| e.to_string())?
                .map_err(|e| format!("cannot read {what}: {e}"))
        };
        let host = read(&self.host, "the plugins' namespace")?;
        let spawner = self.host.spawner();
        let rules = save_rules("iptables-save", &[], Some(&spawner)).map(|text| {
            let mut lines = conf::rule_lines(&text, "");
            // IPv6 rules when ip6tables works here; without it only IPv4 is compared.
            if let Ok(v6) = save_rules("ip6tables-save", &[], Some(&spawner)) {
                lines.extend(conf::rule_lines(&v6, "ip6 "));
            }
            lines
        });
        let mut containers = Vec::new();
        if let Some(c) = &self.ns_a {
            containers.push((c.ns.name.clone(), read(&c.thread, &c.ns.name)?));
        }
        Ok(State {
            host,
            rules,
            containers,
            ipam: conf::ipam_files(&self.dirs.ipam()),
        })
    }

    fn attachment(&self, ifname: &str, netns: &Path) -> Attachment {
        Attachment {
            container_id: self.container_id.clone(),
            netns: netns.display().to_string(),
            ifname: ifname.to_string(),
            args: Vec::new(),
            capability_args: Default::default(),
        }
    }

    fn request(&self, ifname: &str, netns: &Path) -> DelRequest {
        DelRequest {
            network: self.name.clone(),
            container_id: self.container_id.clone(),
            netns: netns.display().to_string(),
            ifname: ifname.to_string(),
            ..DelRequest::default()
        }
    }

    fn path_a(&self) -> PathBuf {
        self.ns_a
            .as_ref()
            .map(|c| c.path.clone())
            .unwrap_or_default()
    }

    fn add_step(&mut self) -> Outcome {
        match self.state() {
            Ok(st) => {
                if let Err(e) = &st.rules {
                    self.s.printer.warning(&format!(
                        "cniVersion {}: iptables rules are not compared: {e}",
                        self.version
                    ));
                }
                self.baseline = Some(st);
            }
            Err(e) => return fail(format!("cannot take the snapshot before ADD: {e}")),
        }
        self.add_checked("eth0")
    }

    /// ADD of `ifname` in namespace A, its result checked.
    fn add_checked(&mut self, ifname: &str) -> Outcome {
        let path = self.path_a();
        let att = self.attachment(ifname, &path);
        let resolved = self.resolved.clone().expect("resolved with the list");
        let out = match self.rt.add(self.list(), &resolved, &att, false) {
            Ok(o) => o,
            Err(e) => return fail(format!("ADD failed: {e}")),
        };
        self.attached.push(ifname.to_string());
        let snap = match self.ns_a.as_ref().map(|c| {
            c.thread
                .run(netlink::read_snapshot)
                .map_err(|e| e.to_string())
                .and_then(|r| r.map_err(|e| e.to_string()))
        }) {
            Some(Ok(s)) => s,
            Some(Err(e)) => return fail(format!("cannot read the container namespace: {e}")),
            None => Snapshot::default(),
        };
        let c = conf::check_result(
            &out.result,
            &self.version,
            ifname,
            &path.display().to_string(),
            &snap,
        );
        if !c.errors.is_empty() {
            let mut m = c.errors;
            m.extend(c.warnings);
            return (Verdict::Fail, m);
        }
        if !c.warnings.is_empty() {
            return (Verdict::Warn, c.warnings);
        }
        (Verdict::Pass, Vec::new())
    }

    fn check(&mut self, ifnames: &[&str]) -> Outcome {
        if self.list().disable_check {
            return (
                Verdict::Skip,
                vec!["the config sets disableCheck: CHECK calls no plugin".into()],
            );
        }
        let path = self.path_a();
        let mut messages = Vec::new();
        let mut checked = 0;
        for ifname in ifnames {
            if !self.attached.iter().any(|i| i == ifname) {
                messages.push(format!(
                    "{ifname} is not attached (its ADD failed): not checked"
                ));
                continue;
            }
            checked += 1;
            if let Err(e) = self.rt.check(self.list(), &self.request(ifname, &path)) {
                messages.push(format!("CHECK of {ifname} failed: {e}"));
            }
        }
        let failed = messages.iter().any(|m| m.starts_with("CHECK of"));
        if failed {
            (Verdict::Fail, messages)
        } else if checked == 0 {
            (Verdict::Skip, messages)
        } else {
            (Verdict::Pass, messages)
        }
    }

    /// DEL of `ifname` in namespace A.
    fn del(&mut self, ifname: &str) -> Result<(), String> {
        let path = self.path_a();
        let list = self.list().clone();
        match self.rt.del(Some(&list), &self.request(ifname, &path)) {
            Ok(_) => {
                self.attached.retain(|i| i != ifname);
                Ok(())
            }
            Err(e) => Err(e.to_string()),
        }
    }

    /// DEL, then what is left compared with the mark (the state before the ADD it undoes);
    /// with `others`, what it removed of the state other attachments set up, too.
    fn del_step(&mut self, ifname: &str, others: bool) -> Outcome {
        let before = self.mark.take();
        if let Err(e) = self.del(ifname) {
            return fail(format!("DEL failed: {e}"));
        }
        self.judge_left(before.as_ref(), others, "left behind")
    }

    fn judge_left(&self, before: Option<&State>, others: bool, what: &str) -> Outcome {
        let Some(before) = before else {
            return fail("no snapshot to compare with (an earlier snapshot failed)");
        };
        let after = match self.state() {
            Ok(s) => s,
            Err(e) => return fail(format!("cannot take the snapshot after DEL: {e}")),
        };
        let (left, kept) = conf::leftovers(before, &after, &conf::kept_bridges(self.list()));
        let mut messages: Vec<String> = left.iter().map(|l| format!("{what}: {l}")).collect();
        if others {
            messages.extend(
                conf::removed(before, &after)
                    .into_iter()
                    .map(|r| format!("removed what another interface's ADD set up: {r}")),
            );
        }
        let verdict = if messages.is_empty() {
            Verdict::Pass
        } else {
            Verdict::Fail
        };
        messages.extend(kept.into_iter().map(|k| format!("kept: {k}")));
        (verdict, messages)
    }

    /// ADD in a second namespace, the namespace removed, then DEL: it must succeed, and clean
    /// up what it can without the namespace.
    fn del_gone_step(&mut self) -> Outcome {
        let before = match self.state() {
            Ok(s) => s,
            Err(e) => return fail(format!("cannot take the snapshot: {e}")),
        };
        let b = match self.container("b") {
            Ok(b) => b,
            Err(e) => return fail(e),
        };
        // Another container (a new sandbox gets a new ID), so that what its DEL leaves cannot
        // be mistaken for the first container's state.
        let mut att = self.attachment("eth0", &b.path);
        att.container_id = format!("{}-gone", self.container_id);
        let resolved = self.resolved.clone().expect("resolved with the list");
        let added = self.rt.add(self.list(), &resolved, &att, false);
        let mut req = self.request("eth0", &b.path);
        req.container_id = att.container_id.clone();
        if added.is_ok() {
            // Until its DEL succeeds, the clean-up DELs it again.
            self.gone = Some(req.clone());
        }
        // The host ends of B's veths go when the kernel destroys B, which it does a moment
        // after the last reference is gone: they are waited for, not taken for leftovers.
        let peers = self.host_peers(&b);
        let Container { thread, ns, .. } = b;
        drop(thread);
        let name = ns.name.clone();
        // Kept in the round until it is removed: the clean-up tries again.
        let ns = self.ns_b.insert(ns);
        let removed = ns.remove();
        if removed.is_ok() {
            self.wait_links_gone(&peers);
        }
        if let Err(e) = added {
            return fail(format!("the ADD before it (in {name}) failed: {e}"));
        }
        if let Err(e) = removed {
            return fail(format!("cannot remove {name} before the DEL: {e}"));
        }
        let list = self.list().clone();
        if let Err(e) = self.rt.del(Some(&list), &req) {
            return fail(format!("DEL with the netns gone must succeed: {e}"));
        }
        self.gone = None;
        self.judge_left(Some(&before), false, "left behind")
    }

    /// The names of the links in the plugins' namespace that are veth peers of `c`'s links
    /// (a macvlan's lower device is no peer: it stays).
    fn host_peers(&self, c: &Container) -> Vec<String> {
        let read = |t: &NsThread| t.run(netlink::read_snapshot).ok().and_then(Result::ok);
        let (Some(inner), Some(host)) = (read(&c.thread), read(&self.host)) else {
            return Vec::new();
        };
        inner
            .links
            .iter()
            .filter(|l| l.peer_netnsid.is_some() && l.kind.as_deref() == Some("veth"))
            .filter_map(|l| l.peer_index.and_then(|i| host.link(i)))
            .map(|l| l.name.clone())
            .collect()
    }

    /// Waits (at most 5 s) until none of `names` is a link of the plugins' namespace.
    fn wait_links_gone(&self, names: &[String]) {
        let until = Instant::now() + std::time::Duration::from_secs(5);
        while !names.is_empty() && Instant::now() < until {
            let present = self
                .host
                .run(netlink::read_snapshot)
                .ok()
                .and_then(Result::ok)
                .is_some_and(|s| names.iter().any(|n| s.link_named(n).is_some()));
            if !present {
                return;
            }
            std::thread::sleep(std::time::Duration::from_millis(20));
        }
    }

    fn gc_step(&mut self) -> Outcome {
        let list = self.list().clone();
        let plan = match self.rt.gc_plan(
            &self.name,
            Some(list),
            &ValidSet::Explicit(Vec::new()),
            true,
        ) {
            Ok(p) => p,
            Err(e) => return fail(format!("GC could not be planned: {e}")),
        };
        let outcome = self.rt.gc_run(vec![plan]);
        let mut messages = Vec::new();
        let mut failed = false;
        for n in &outcome.networks {
            for r in &n.stale {
                if let StaleResult::Failed(e) = r {
                    failed = true;
                    messages.push(format!("DEL of a stale attachment failed: {e}"));
                }
            }
            for (plugin, call) in &n.gc {
                match call {
                    GcCall::Failed(e) => {
                        failed = true;
                        messages.push(e.to_string());
                    }
                    GcCall::NotFound(e) => {
                        failed = true;
                        messages.push(format!("plugin \"{plugin}\": {e}"));
                    }
                    GcCall::Ok | GcCall::NotRun => {}
                }
            }
            if n.gc.is_empty() {
                messages.push("the GC verb was not sent (disableGC)".into());
            }
        }
        if failed {
            return (Verdict::Fail, messages);
        }
        let baseline = self.baseline.clone();
        let (verdict, left) = self.judge_left(baseline.as_ref(), false, "left after GC");
        // The spec says plugins *should* clean up on GC: what is left is a warning.
        let verdict = match verdict {
            Verdict::Fail => Verdict::Warn,
            v => v,
        };
        messages.extend(left);
        (verdict, messages)
    }

    fn status_step(&mut self) -> Outcome {
        let versions =
            VersionCache::new(self.exec, self.s.parent_env.clone(), self.rt.limits.clone());
        match self.rt.status(self.list(), &versions) {
            Ok(st) => match st.state {
                NetworkState::Ready => (Verdict::Pass, Vec::new()),
                NetworkState::NotReady { reason } => fail(format!("not ready: {reason}")),
                NetworkState::CannotReport { reason } => {
                    (Verdict::Warn, vec![format!("cannot report: {reason}")])
                }
            },
            Err(e) => fail(e.to_string()),
        }
    }

    /// DEL of what is still attached (a stopped round, a failed DEL), then namespaces A and
    /// B removed.
    fn clean_up(&mut self) -> Vec<String> {
        let mut problems = Vec::new();
        if let Some(list) = &self.list {
            let path = self.path_a();
            for ifname in &self.attached {
                let req = self.request(ifname, &path);
                if let Err(e) = self.cleanup_rt.del(Some(list), &req) {
                    problems.push(format!(
                        "cniVersion {}: clean-up DEL of {ifname} failed: {e}",
                        self.version
                    ));
                }
            }
            if let Some(req) = self.gone.take() {
                if let Err(e) = self.cleanup_rt.del(Some(list), &req) {
                    problems.push(format!(
                        "cniVersion {}: clean-up DEL of container {} failed: {e}",
                        self.version, req.container_id
                    ));
                }
            }
        }
        if let Some(c) = self.ns_a.take() {
            let Container { thread, mut ns, .. } = c;
            drop(thread);
            if let Err(e) = ns.remove() {
                problems.push(e);
            }
        }
        if let Some(mut ns) = self.ns_b.take() {
            if let Err(e) = ns.remove() {
                problems.push(e);
            }
        }
        problems.iter().map(|p| self.users_name(p)).collect()
    }
}

#[cfg(test)]
mod tests {
    use super::MadeNs;
    use cnictl::netns;

    #[test]
    #[ignore = "needs root: makes a network namespace"]
    fn a_made_namespace_is_removed_when_a_panic_unwinds_and_only_once() {
        let name = format!("cnictl-conf-test-{}-u", std::process::id());
        let path = netns::create_named(&name).expect("make a namespace (needs root)");
        let caught = std::panic::catch_unwind(|| {
            let _ns = MadeNs::new(name.clone());
            panic!("a step panicked");
        });
        assert!(caught.is_err());
        assert!(!path.exists(), "{} was left", path.display());
        // Removed by the normal clean-up first: the drop after it changes nothing.
        netns::create_named(&name).expect("make it again");
        let mut ns = MadeNs::new(name.clone());
        ns.remove().expect("removed");
        assert!(!path.exists());
        assert_eq!(ns.remove(), Ok(()), "a second removal is a no-op");
        drop(ns);
    }
}
