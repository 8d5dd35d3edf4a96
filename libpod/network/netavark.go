package network

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"os/exec"
	"runtime"
	"strconv"
	"strings"
	"syscall"

	"github.com/pm-project/pm/libpod/define"
)

// Netavark runs Debian's (Podman's) netavark to attach namespaces to
// bridge networks.
type Netavark struct {
	Path     string // the netavark binary
	Aardvark string // the aardvark-dns binary
	ConfDir  string // netavark's --config: aardvark-dns's state
	Rootless bool
	// InNS is the namespace netavark runs in (the rootless network
	// namespace where the bridges live); "" for the host's.
	InNS string
}

// PerNetwork is a container's options on one network (netavark's
// PerNetworkOptions).
type PerNetwork struct {
	Aliases       []string `json:"aliases,omitempty"`
	InterfaceName string   `json:"interface_name"`
	StaticIPs     []string `json:"static_ips,omitempty"`
	StaticMAC     string   `json:"static_mac,omitempty"`
}

// Options is netavark's NetworkOptions: what setup and teardown read on
// stdin.
type Options struct {
	ContainerID   string                     `json:"container_id"`
	ContainerName string                     `json:"container_name"`
	Networks      map[string]PerNetwork      `json:"networks"`
	NetworkInfo   map[string]*define.Network `json:"network_info"`
	PortMappings  []PortMappingJSON          `json:"port_mappings,omitempty"`
	DNSServers    []string                   `json:"dns_servers,omitempty"`
}

// PortMappingJSON is netavark's port mapping.
type PortMappingJSON struct {
	ContainerPort uint16 `json:"container_port"`
	HostIP        string `json:"host_ip"`
	HostPort      uint16 `json:"host_port"`
	Protocol      string `json:"protocol"`
	Range         uint16 `json:"range"`
}

// StatusBlock is netavark's answer to setup for one network.
type StatusBlock struct {
	DNSServerIPs     []string `json:"dns_server_ips"`
	DNSSearchDomains []string `json:"dns_search_domains"` // aardvark-dns's domain (dns.podman)
	Interfaces       map[string]struct {
		MAC     string `json:"mac_address"`
		Subnets []struct {
			Gateway string `json:"gateway"`
			IPNet   string `json:"ipnet"`
		} `json:"subnets"`
	} `json:"interfaces"`
}

// Setup attaches the namespace at nsPath to o's networks.
func (n *Netavark) Setup(ctx context.Context, nsPath string, o *Options) (map[string]StatusBlock, error) {
	out, err := n.run(ctx, "setup", nsPath, o)
	if err != nil {
		return nil, err
	}
	var res map[string]StatusBlock
	if err := json.Unmarshal(out, &res); err != nil {
		return nil, fmt.Errorf("parsing netavark's answer %q: %w", out, err)
	}
	return res, nil
}

// Teardown detaches the namespace at nsPath from o's networks.
func (n *Netavark) Teardown(ctx context.Context, nsPath string, o *Options) error {
	_, err := n.run(ctx, "teardown", nsPath, o)
	return err
}

func (n *Netavark) run(ctx context.Context, verb, nsPath string, o *Options) ([]byte, error) {
	in, err := json.Marshal(o)
	if err != nil {
		return nil, err
	}
	args := []string{"--config", n.ConfDir, "--rootless", strconv.FormatBool(n.Rootless), "--aardvark-binary", n.Aardvark, verb, nsPath}
	bin := n.Path
	if n.InNS != "" {
		args = append([]string{"--net=" + n.InNS, n.Path}, args...)
		bin = "nsenter"
	}
	cmd := exec.CommandContext(ctx, bin, args...)
	cmd.Stdin = bytes.NewReader(in)
	var stdout, stderr bytes.Buffer
	cmd.Stdout, cmd.Stderr = &stdout, &stderr
	// netavark dies with pm: one that went on after pm was killed would
	// attach the container behind the back of the teardown that cleans
	// up after pm (whose network lock went with pm). The parent-death
	// signal follows the thread that forks, which must live until the
	// end.
	cmd.SysProcAttr = &syscall.SysProcAttr{Pdeathsig: syscall.SIGKILL}
	runtime.LockOSThread()
	err = cmd.Run()
	runtime.UnlockOSThread()
	if err != nil {
		msg := strings.TrimSpace(stderr.String())
		var e struct{ Error string }
		if json.Unmarshal(stdout.Bytes(), &e) == nil && e.Error != "" {
			msg = e.Error
		}
		if msg == "" {
			msg = err.Error()
		}
		return nil, fmt.Errorf("netavark %s: %s", verb, strings.ReplaceAll(msg, "\n", ": "))
	}
	return stdout.Bytes(), nil
}
