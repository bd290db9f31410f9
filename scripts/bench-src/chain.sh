# Sourced by scripts/gen-order.sh and scripts/phases.sh (run from the repository's root).
#
# noop_chain DIR NAME: the chain of bar (a) made of the no-op plugin (scripts/bench-src/noop.c):
# DIR/bin/{bridge,host-local,portmap,tuning}, and DIR/net.d/10-NAME.conflist naming them
# (bridge with host-local as IPAM, its data in DIR/ipam; portmap; tuning). Makes DIR/cache too.
noop_chain() {
    local dir=$1 name=$2
    mkdir -p "$dir/bin" "$dir/net.d" "$dir/cache"
    gcc -static -O2 -o "$dir/bin/bridge" scripts/bench-src/noop.c
    for p in host-local portmap tuning; do cp "$dir/bin/bridge" "$dir/bin/$p"; done
    cat >"$dir/net.d/10-$name.conflist" <<JSON
{
  "cniVersion": "1.0.0",
  "name": "$name",
  "plugins": [
    {"type": "bridge", "bridge": "br-$name", "isGateway": true, "ipMasq": true,
     "ipam": {"type": "host-local", "dataDir": "$dir/ipam", "ranges": [[{"subnet": "10.99.0.0/24"}]]}},
    {"type": "portmap", "capabilities": {"portMappings": true}},
    {"type": "tuning", "sysctl": {"net.core.somaxconn": "512"}}
  ]
}
JSON
}
