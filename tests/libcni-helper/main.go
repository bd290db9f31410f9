// libcni-helper drives the real libcni (Debian's golang-github-appc-cni-dev,
// libcni 1.1.2) so cnictl's tests can check that both sides read and write the
// same results cache (<cache-dir>/results/<net>-<id>-<ifname>, kind cniCacheV1).
//
// Build offline (GOPATH mode, no modules):
//
//	GO111MODULE=off GOPATH=$tmp/gopath:/usr/share/gocode GOCACHE=$tmp/gocache \
//	GOPROXY=off GOFLAGS= GOENV=off go build -o $out .
//
// Every subcommand prints one JSON document on stdout. A failing libcni call
// prints its error on stderr and exits 1; a usage error exits 2.
package main

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"flag"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"sort"
	"strings"
	"time"

	"github.com/containernetworking/cni/libcni"
)

const usage = `usage: libcni-helper <command> [flags]

commands:
  add            AddNetworkList, prints the result
  del            DelNetworkList, prints {}
  check          CheckNetworkList, prints {}
  cached-result  GetNetworkListCachedResult + GetNetworkListCachedConfig, prints
                 {"result": <json|null>, "config": "<string>", "args": [...], "capabilityArgs": {...}}
  cached         cached attachments as a JSON array (see below)

flags of add, del, check, cached-result:
  --conf FILE (a .conflist, or a .conf/.json wrapped as libcni does) --cni-path DIRS --cache-dir DIR --container-id ID --netns PATH
  --ifname IF [--args K=V;K2=V2] [--cap-args JSON-object]
flags of cached:
  --cache-dir DIR [--container-id ID]

--cache-dir is mandatory everywhere, so the helper never falls back to
/var/lib/cni. libcni 1.1.2 has no GetCachedAttachments: "cached" scans the
results directory with the rules of libcni >= 1.2.0 (sorted names, "-<id>-"
name pre-filter, skip unreadable/non-JSON/non-cniCacheV1/wrong-id/empty
ifName or networkName), decoding each file with encoding/json like libcni.
`

// loadList reads a .conflist, or wraps a single-plugin .conf/.json file the way
// libcni's LoadConfList falls back to one (ConfFromFile + ConfListFromConf).
func loadList(path string) (*libcni.NetworkConfigList, error) {
	if strings.HasSuffix(path, ".conflist") {
		return libcni.ConfListFromFile(path)
	}
	conf, err := libcni.ConfFromFile(path)
	if err != nil {
		return nil, err
	}
	return libcni.ConfListFromConf(conf)
}

// usageError makes main exit 2 instead of 1.
type usageError struct{ msg string }

func (e usageError) Error() string { return e.msg }

func main() {
	if len(os.Args) < 2 {
		fmt.Fprint(os.Stderr, usage)
		os.Exit(2)
	}
	out, err := run(os.Args[1], os.Args[2:])
	if err != nil {
		fmt.Fprintf(os.Stderr, "libcni-helper %s: %v\n", os.Args[1], err)
		var ue usageError
		if errors.As(err, &ue) {
			os.Exit(2)
		}
		os.Exit(1)
	}
	os.Stdout.Write(append(out, '\n'))
}

// opts holds the flags shared by every list command.
type opts struct {
	conf, cniPath, cacheDir, containerID, netns, ifname, args, capArgs string
}

func parseFlags(cmd string, argv []string, cachedOnly bool) (*opts, error) {
	o := &opts{}
	fs := flag.NewFlagSet(cmd, flag.ContinueOnError)
	fs.SetOutput(io.Discard)
	fs.StringVar(&o.cacheDir, "cache-dir", "", "")
	fs.StringVar(&o.containerID, "container-id", "", "")
	if !cachedOnly {
		fs.StringVar(&o.conf, "conf", "", "")
		fs.StringVar(&o.cniPath, "cni-path", "", "")
		fs.StringVar(&o.netns, "netns", "", "")
		fs.StringVar(&o.ifname, "ifname", "", "")
		fs.StringVar(&o.args, "args", "", "")
		fs.StringVar(&o.capArgs, "cap-args", "", "")
	}
	if err := fs.Parse(argv); err != nil {
		return nil, usageError{err.Error()}
	}
	if fs.NArg() != 0 {
		return nil, usageError{fmt.Sprintf("unexpected arguments %q", fs.Args())}
	}
	if o.cacheDir == "" {
		return nil, usageError{"--cache-dir is required"}
	}
	if !cachedOnly && o.conf == "" {
		return nil, usageError{"--conf is required"}
	}
	return o, nil
}

// runtimeConf builds the RuntimeConf. --args is "K=V;K2=V2" (split on ';',
// then on the first '='); --cap-args is a JSON object whose numbers are kept
// verbatim (json.Number) so libcni re-encodes them unchanged.
func (o *opts) runtimeConf() (*libcni.RuntimeConf, error) {
	rt := &libcni.RuntimeConf{
		ContainerID: o.containerID,
		NetNS:       o.netns,
		IfName:      o.ifname,
	}
	if o.args != "" {
		for _, kv := range strings.Split(o.args, ";") {
			if kv == "" {
				continue
			}
			k, v, ok := strings.Cut(kv, "=")
			if !ok {
				return nil, usageError{fmt.Sprintf("--args: %q is not K=V", kv)}
			}
			rt.Args = append(rt.Args, [2]string{k, v})
		}
	}
	if o.capArgs != "" {
		dec := json.NewDecoder(strings.NewReader(o.capArgs))
		dec.UseNumber()
		if err := dec.Decode(&rt.CapabilityArgs); err != nil {
			return nil, usageError{fmt.Sprintf("--cap-args: %v", err)}
		}
		if dec.More() {
			return nil, usageError{"--cap-args: trailing data after the JSON object"}
		}
	}
	return rt, nil
}

func (o *opts) cniPaths() []string {
	var paths []string
	for _, p := range filepath.SplitList(o.cniPath) {
		if p != "" {
			paths = append(paths, p)
		}
	}
	return paths
}

func run(cmd string, argv []string) ([]byte, error) {
	switch cmd {
	case "add", "del", "check", "cached-result":
	case "cached":
		o, err := parseFlags(cmd, argv, true)
		if err != nil {
			return nil, err
		}
		return cachedAttachments(o.cacheDir, o.containerID)
	case "-h", "--help", "help":
		fmt.Print(usage)
		os.Exit(0)
	default:
		return nil, usageError{fmt.Sprintf("unknown command %q\n%s", cmd, usage)}
	}

	o, err := parseFlags(cmd, argv, false)
	if err != nil {
		return nil, err
	}
	rt, err := o.runtimeConf()
	if err != nil {
		return nil, err
	}
	list, err := loadList(o.conf)
	if err != nil {
		return nil, err
	}
	cni := libcni.NewCNIConfigWithCacheDir(o.cniPaths(), o.cacheDir, nil)
	ctx, cancel := context.WithTimeout(context.Background(), 60*time.Second)
	defer cancel()

	switch cmd {
	case "add":
		res, err := cni.AddNetworkList(ctx, list, rt)
		if err != nil {
			return nil, err
		}
		return json.Marshal(res)
	case "del":
		if err := cni.DelNetworkList(ctx, list, rt); err != nil {
			return nil, err
		}
		return []byte("{}"), nil
	case "check":
		if err := cni.CheckNetworkList(ctx, list, rt); err != nil {
			return nil, err
		}
		return []byte("{}"), nil
	default: // cached-result
		res, err := cni.GetNetworkListCachedResult(list, rt)
		if err != nil {
			return nil, fmt.Errorf("GetNetworkListCachedResult: %w", err)
		}
		conf, newRt, err := cni.GetNetworkListCachedConfig(list, rt)
		if err != nil {
			return nil, fmt.Errorf("GetNetworkListCachedConfig: %w", err)
		}
		out := struct {
			Result         interface{}            `json:"result"`
			Config         string                 `json:"config"`
			Args           [][2]string            `json:"args"`
			CapabilityArgs map[string]interface{} `json:"capabilityArgs"`
		}{Config: string(conf)}
		if res != nil { // a nil types.Result must print as null, not {}
			out.Result = res
		}
		if newRt != nil { // nil when there is no cache file
			out.Args = newRt.Args
			out.CapabilityArgs = newRt.CapabilityArgs
		}
		return json.Marshal(out)
	}
}

// cacheEntry mirrors the cniCacheV1 fields that libcni >= 1.2.0 reads for
// GetCachedAttachments (1.1.2's own struct has no netns).
type cacheEntry struct {
	Kind           string                 `json:"kind"`
	ContainerID    string                 `json:"containerId"`
	Config         []byte                 `json:"config"`
	IfName         string                 `json:"ifName"`
	NetworkName    string                 `json:"networkName"`
	NetNS          string                 `json:"netns,omitempty"`
	CniArgs        [][2]string            `json:"cniArgs,omitempty"`
	CapabilityArgs map[string]interface{} `json:"capabilityArgs,omitempty"`
}

type attachment struct {
	ContainerID    string                 `json:"containerID"`
	Network        string                 `json:"network"`
	IfName         string                 `json:"ifName"`
	NetNS          string                 `json:"netns"`
	CniArgs        [][2]string            `json:"cniArgs"`
	CapabilityArgs map[string]interface{} `json:"capabilityArgs"`
	Config         string                 `json:"config"`
}

func cachedAttachments(cacheDir, containerID string) ([]byte, error) {
	dir := filepath.Join(cacheDir, "results")
	entries, err := os.ReadDir(dir)
	if err != nil && !os.IsNotExist(err) {
		return nil, err
	}
	names := make([]string, 0, len(entries))
	for _, e := range entries {
		names = append(names, e.Name())
	}
	sort.Strings(names)

	found := []attachment{}
	for _, name := range names {
		if containerID != "" {
			part := "-" + containerID + "-"
			pos := strings.Index(name, part)
			if pos <= 0 || pos+len(part) >= len(name) {
				continue
			}
		}
		data, err := os.ReadFile(filepath.Join(dir, name))
		if err != nil {
			continue
		}
		var c cacheEntry
		if err := json.Unmarshal(data, &c); err != nil || c.Kind != libcni.CNICacheV1 {
			continue
		}
		if containerID != "" && c.ContainerID != containerID {
			continue
		}
		if c.IfName == "" || c.NetworkName == "" {
			continue
		}
		found = append(found, attachment{
			ContainerID:    c.ContainerID,
			Network:        c.NetworkName,
			IfName:         c.IfName,
			NetNS:          c.NetNS,
			CniArgs:        c.CniArgs,
			CapabilityArgs: c.CapabilityArgs,
			Config:         string(c.Config),
		})
	}
	var buf bytes.Buffer
	enc := json.NewEncoder(&buf)
	enc.SetEscapeHTML(false)
	if err := enc.Encode(found); err != nil {
		return nil, err
	}
	return bytes.TrimRight(buf.Bytes(), "\n"), nil
}
