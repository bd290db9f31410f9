//! Plumbing shared by add, check and del: the attachment's identity, the config, the
//! namespace plugins run in, and the runtime that runs them.

use super::args::AttachmentArgs;
use super::Settings;
use anyhow::{bail, Context};
use cnictl::cache::PluginNsRecord;
use cnictl::config::{self, LoadOptions, Loaded, NetworkConfigList};
use cnictl::invoke::RawExec;
use cnictl::netns::{self, Guard, NetnsError, NsId};
use cnictl::runtime::{Attachment, CallRecord, DelRequest, Runtime};
use cnictl::types::ident::validate_network_name;
use std::os::fd::OwnedFd;
use std::path::PathBuf;
use std::sync::Arc;

/// The identity of an attachment as the user gave it, resolved.
pub struct Target {
    /// The network name.
    pub network: String,
    /// The netns path, absolute and cleaned (never canonicalised).
    pub netns: PathBuf,
    /// The bare name when NETNS was a name (only those are created and removed).
    pub netns_name: Option<String>,
    /// The container ID.
    pub container_id: String,
    /// True when --container-id was given.
    pub explicit_id: bool,
    /// The interface name.
    pub ifname: String,
    /// The network loaded from the file NETWORK named (an argument with a `/`); None when
    /// NETWORK is a name.
    pub file_list: Option<NetworkConfigList>,
}

impl Target {
    /// Resolves and validates the identity; nothing is touched yet.
    pub fn resolve(s: &Settings, a: &AttachmentArgs) -> anyhow::Result<Target> {
        // An empty NETNS would resolve to the working directory; a reader-dependent spelling
        // (`/proc/self/ns/net`) must never reach a plugin or the cache.
        if a.netns.is_empty() {
            return Err(NetnsError::Empty.into());
        }
        let netns_path = netns::resolve_netns_arg(&a.netns, s.cwd_for(&a.netns)?);
        netns::check_spelling(&netns_path)?;
        let netns_name = netns::is_bare_name(&a.netns).then(|| a.netns.clone());
        let container_id = match &a.container_id {
            Some(id) => id.clone(),
            None => netns::default_container_id(&netns_path),
        };
        let file_list = network_file(s, &a.network)?;
        let t = Target {
            network: file_list
                .as_ref()
                .map_or_else(|| a.network.clone(), |l| l.name.clone()),
            netns: netns_path,
            netns_name,
            container_id,
            explicit_id: a.container_id.is_some(),
            ifname: a.ifname.clone(),
            file_list,
        };
        Runtime::validate_ids(
            &t.network,
            &t.attachment_with(Vec::new(), Default::default()),
        )?;
        Ok(t)
    }

    /// The DEL/CHECK request for this attachment: the runtime args given on the command line
    /// or in the environment, if any (the cached ones are used otherwise).
    pub fn request(
        &self,
        a: &AttachmentArgs,
        cached_config: bool,
        force: bool,
    ) -> anyhow::Result<DelRequest> {
        Ok(DelRequest {
            network: self.network.clone(),
            container_id: self.container_id.clone(),
            netns: self.netns.to_string_lossy().into_owned(),
            ifname: self.ifname.clone(),
            explicit_args: a.cni_args()?,
            explicit_caps: a.capability_args()?,
            cached_config,
            force,
        })
    }

    /// The attachment with the given runtime args.
    pub fn attachment_with(
        &self,
        args: Vec<(String, String)>,
        caps: serde_json::Map<String, serde_json::Value>,
    ) -> Attachment {
        Attachment {
            container_id: self.container_id.clone(),
            netns: self.netns.to_string_lossy().into_owned(),
            ifname: self.ifname.clone(),
            args,
            capability_args: caps,
        }
    }
}

/// Fails with a clear message when the config directory does not exist.
pub fn require_conf_dir(s: &Settings) -> anyhow::Result<()> {
    match std::fs::metadata(&s.conf_dir) {
        Ok(_) => Ok(()),
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => bail!(
            "config directory {} does not exist (set it with --conf-dir or NETCONFPATH)",
            s.conf_dir.display()
        ),
        // Not "does not exist" when it is there but out of reach (a user and /etc/cni 0700).
        Err(e) => bail!("cannot read config directory {}: {e}", s.conf_dir.display()),
    }
}

/// True when a NETWORK argument names a config file rather than a network: it has a `/`,
/// which no network name may hold (`my.conflist` alone is a network name).
pub fn is_file_arg(network: &str) -> bool {
    network.contains('/')
}

/// The network of the file a NETWORK argument names (relative to the working directory),
/// or None when the argument is a network name.
pub fn network_file(s: &Settings, network: &str) -> anyhow::Result<Option<NetworkConfigList>> {
    if !is_file_arg(network) {
        return Ok(None);
    }
    let joined = s.cwd_for(network)?.join(network);
    let path = PathBuf::from(netns::clean_path(&joined.to_string_lossy()));
    let list = config::load_path(&path)
        .with_context(|| format!("cannot load network config file {network}"))?;
    Ok(Some(list))
}

/// The network of an existing attachment, for check and del: the file NETWORK named; else,
/// when the ADD was given a config file (cnictl's record names it), that file, so that a
/// network of the same name in the config dir is never used for it; else the config dir's.
/// The outer error is the config dir's lookup; the inner `Err` is a recorded file that no
/// longer loads as this network (its path and why), for the caller to decide.
pub fn attached_network(
    s: &Settings,
    t: &Target,
) -> anyhow::Result<Result<NetworkConfigList, (PathBuf, String)>> {
    if let Some(l) = &t.file_list {
        return Ok(Ok(l.clone()));
    }
    let file = s
        .cache
        .read_record(&t.network, &t.container_id, &t.ifname)
        .ok()
        .flatten()
        .and_then(|r| r.file);
    let Some(file) = file else {
        return load_network(s, &t.network).map(Ok);
    };
    match config::load_path(&file) {
        Ok(l) if l.name == t.network => {
            if s.verbose > 0 {
                s.printer.note(&format!(
                    "network \"{}\" of this attachment was added from {}; using that file, not the config dir",
                    t.network,
                    file.display()
                ));
            }
            Ok(Ok(l))
        }
        Ok(l) => Ok(Err((
            file,
            format!("it now defines network \"{}\"", l.name),
        ))),
        Err(e) => Ok(Err((file, e.to_string()))),
    }
}

/// Loads the network from the config directory, or from the file NETWORK names when it has
/// a `/`, printing load warnings.
pub fn load_network(s: &Settings, name: &str) -> anyhow::Result<NetworkConfigList> {
    if let Some(list) = network_file(s, name)? {
        return Ok(list);
    }
    let hint = || {
        [".conflist", ".conf", ".json"]
            .iter()
            .any(|ext| name.ends_with(ext))
            .then(|| format!("\"{name}\" is taken as a network name; to load a file, give a path with a '/' (./{name})"))
    };
    let with_hint = |e: anyhow::Error| match hint() {
        Some(h) => e.context(h),
        None => e,
    };
    // No name check here: a name read as Go reads it (U+FFFD) must still be found. A config
    // dir that is missing or out of reach is told as such; it is looked at only when the
    // lookup fails (a lookup that finds the network needs no `stat` of it first).
    let Loaded { list, warnings } = lookup(s, name).map_err(|e| {
        require_conf_dir(s)
            .err()
            .map_or_else(|| with_hint(e.into()), with_hint)
    })?;
    for w in warnings {
        s.printer.warning(&w.to_string());
    }
    Ok(list)
}

/// Looks a network up by name in the config dir as libcni does (`--skip-broken` honoured),
/// after checking the name. The outer error is a bad name; the inner one the lookup's, which
/// callers tell apart (gc takes a network that is gone as "no current config"). Warnings are
/// left to the caller to print.
pub fn load_named(s: &Settings, name: &str) -> anyhow::Result<Result<Loaded, config::ConfigError>> {
    validate_network_name(name)
        .map_err(|e| anyhow::anyhow!("network name {name:?} is invalid: {e}"))?;
    Ok(lookup(s, name))
}

fn lookup(s: &Settings, name: &str) -> Result<Loaded, config::ConfigError> {
    config::load_on(
        &s.conf_dir,
        name,
        &LoadOptions {
            skip_broken: s.skip_broken,
        },
        &s.node_root,
    )
}

/// The namespace plugins run in: a dedicated thread inside `--host-netns`, or cnictl's own;
/// and the guard built from it, which every verb asks before a plugin runs.
pub struct PluginNs {
    /// `--host-netns`, open: each plugin enters it (`setns` in the plugin's process before it
    /// exec's), so no thread of cnictl's ever changes namespace.
    pub netns: Option<Arc<OwnedFd>>,
    /// The namespaces no container's network may go into: this one, the node's, cnictl's own.
    pub guard: Guard,
    /// The identity of the namespace plugins run in.
    pub id: NsId,
}

impl PluginNs {
    /// Opens `--host-netns` when given (checked and identified as a network namespace), and
    /// identifies the forbidden namespaces.
    pub fn open(s: &Settings) -> anyhow::Result<PluginNs> {
        let entered = match &s.host_netns {
            Some(path) => Some(
                netns::open_for_plugins(path)
                    .with_context(|| format!("--host-netns {}", path.display()))?,
            ),
            None => None,
        };
        let guard = Guard::new(entered.as_ref().map(|(_, id)| *id))
            .context("cannot identify cnictl's own network namespace")?;
        if let (Some(why), true) = (guard.init_unknown(), s.verbose > 1) {
            s.printer.note(&format!(
                "the node's init namespace cannot be identified ({why}); cnictl's own is refused as NETNS in any case"
            ));
        }
        let (netns, id) = match entered {
            Some((fd, id)) => (Some(Arc::new(fd)), id),
            None => (
                None,
                netns::current_netns_id()
                    .context("cannot identify cnictl's own network namespace")?,
            ),
        };
        Ok(PluginNs { netns, guard, id })
    }

    /// [`PluginNs::open`] for a verb on `t`: the guard is told that NETNS passed the spelling
    /// check of [`Target::resolve`], made before the guard existed, so it is not resolved again.
    pub fn open_for(s: &Settings, t: &Target) -> anyhow::Result<PluginNs> {
        let ns = PluginNs::open(s)?;
        ns.guard.note_spelled(&t.netns);
        Ok(ns)
    }

    /// The runner that spawns plugins inside this namespace. When `--host-netns` is the
    /// namespace cnictl already runs in, the plugins start there without a `setns`.
    pub fn exec(&self) -> RawExec {
        match &self.netns {
            Some(fd) if !self.guard.is_own(self.id) => RawExec::entering(Arc::clone(fd)),
            _ => RawExec::new(),
        }
    }

    /// What cnictl records of this namespace beside an ADD's cache entry.
    pub fn record(&self, s: &Settings) -> PluginNsRecord {
        PluginNsRecord {
            path: self
                .netns
                .as_ref()
                .and(s.host_netns.as_ref())
                .map(|p| p.display().to_string()),
            dev: self.id.0,
            ino: self.id.1,
        }
    }
}

/// Builds the runtime for one command.
pub fn runtime<'a>(
    s: &'a Settings,
    ns: &PluginNs,
    exec: &'a RawExec,
    observer: &'a dyn Fn(&CallRecord),
) -> Runtime<'a> {
    Runtime {
        env_memo: Default::default(),
        exec,
        cni_path: s.cni_path.clone(),
        cache: s.cache.clone(),
        parent_env: s.parent_env.clone(),
        limits: s.limits.clone(),
        observer: Some(observer),
        plugin_ns: Some(ns.record(s)),
        conf_dir: Some(s.conf_dir.clone()),
        rollback_stop: Some(s.rollback_stop.clone()),
        guard: ns.guard.clone(),
    }
}

/// When no cache entry exists under the derived container ID, looks for an entry of the same
/// network and interface whose netns is the same namespace under another spelling
/// (`/run/netns/x` vs `/var/run/netns/x`), and switches to it, saying so.
pub fn find_other_spelling(s: &Settings, t: &mut Target, id: Option<NsId>) -> anyhow::Result<()> {
    if t.explicit_id || s.cache.has_entry(&t.network, &t.container_id, &t.ifname)? {
        return Ok(());
    }
    let Some(id) = id else { return Ok(()) };
    for e in s.cache.attachments(None)? {
        if e.network_name != t.network
            || e.if_name != t.ifname
            || netns::check_spelling(std::path::Path::new(&e.netns)).is_err()
        {
            continue;
        }
        if netns::netns_id(std::path::Path::new(&e.netns)).ok() == Some(id) {
            s.printer.note(&format!(
                "no cache entry for container \"{}\"; using \"{}\", cached for the same namespace as {}",
                t.container_id, e.container_id, e.netns
            ));
            t.container_id = e.container_id;
            t.netns = PathBuf::from(e.netns);
            return Ok(());
        }
    }
    Ok(())
}

/// The cache entries (network/container/ifname) whose netns is the namespace `id`.
pub fn netns_users(s: &Settings, id: Option<NsId>) -> anyhow::Result<Vec<String>> {
    let Some(id) = id else { return Ok(Vec::new()) };
    let mut users = Vec::new();
    for e in s.cache.attachments(None)? {
        if !e.netns.is_empty() && netns::netns_id(std::path::Path::new(&e.netns)).ok() == Some(id) {
            users.push(format!(
                "{}/{}/{}",
                e.network_name, e.container_id, e.if_name
            ));
        }
    }
    Ok(users)
}

/// Takes the container's lock, saying so when another cnictl (or gc) holds it and this one
/// has to wait.
pub fn lock_container(s: &Settings, id: &str) -> anyhow::Result<cnictl::cache::LockGuard> {
    match s.cache.try_lock_container(id) {
        Ok(g) => Ok(g),
        Err(cnictl::cache::CacheError::Busy { path }) => {
            s.printer.note(&format!(
                "waiting for another cnictl (an add, check or del of container \"{id}\", or a gc) to finish (lock {})",
                path.display()
            ));
            Ok(s.cache.lock_container(id)?)
        }
        Err(e) => Err(e.into()),
    }
}
