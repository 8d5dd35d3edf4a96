package e2e

import (
	"encoding/json"
	"fmt"
	"io"
	"net"
	"strings"
	"testing"
	"time"
)

// ctrNetworks is a container's NetworkSettings.Networks from pm inspect.
func (e *Env) ctrNetworks(name string) map[string]struct {
	IPAddress, Gateway, MacAddress, NetworkID string
	Aliases                                   []string
} {
	e.t.Helper()
	var out []struct {
		NetworkSettings struct {
			Networks map[string]struct {
				IPAddress, Gateway, MacAddress, NetworkID string
				Aliases                                   []string
			}
		}
	}
	res := e.PMOK("inspect", name)
	if err := json.Unmarshal([]byte(res.Stdout), &out); err != nil || len(out) != 1 {
		e.t.Fatalf("inspect %s: %v", name, err)
	}
	return out[0].NetworkSettings.Networks
}

// hostsIPOf returns the address the container's /etc/hosts gives its
// own name, checking that it is the primary address inspect shows.
func (e *Env) hostsIPOf(name string) string {
	e.t.Helper()
	want := strings.TrimSpace(e.PMOK("inspect", "--format", "{{.NetworkSettings.IPAddress}}", name).Stdout)
	for _, line := range e.PMOK("exec", name, "cat", "/etc/hosts").Lines() {
		f := strings.Fields(line)
		if len(f) > 1 && contains(f[1:], name) {
			if f[0] != want {
				e.t.Errorf("/etc/hosts of %s gives it %s, inspect %s", name, f[0], want)
			}
			return f[0]
		}
	}
	e.t.Errorf("/etc/hosts of %s lacks its name", name)
	return ""
}

// TestNetworkConnect: a running container joins a second network and
// reaches a peer there by name and alias, shows both networks in inspect
// and in network inspect, and loses the peer when it disconnects; its
// /etc/hosts follows its primary address.
func TestNetworkConnect(t *testing.T) {
	env := ctrEnv(t)
	env.PMOK("network", "create", "front")
	env.PMOK("network", "create", "back")
	env.PMOK("run", "-d", "--name", "a", "--network", "front", "busybox", "sleep", "300")
	env.PMOK("run", "-d", "--name", "b", "--network", "back", "--network-alias", "bee", "busybox", "sh", "-c", httpdCmd)
	env.waitListening("b", 80)
	if res := env.PM("exec", "a", "timeout", "2", "wget", "-qO-", "http://b/"); res.Code == 0 {
		t.Errorf("a reached b before connect: %s", res)
	}
	env.PMOK("network", "connect", "--alias", "aa", "back", "a")
	for _, host := range []string{"b", "bee"} {
		if res := env.PM("exec", "a", "timeout", "5", "wget", "-qO-", "http://"+host+"/"); res.Code != 0 || res.Stdout != "hello from pm\n" {
			t.Errorf("a fetching %s after connect: %s", host, res)
		}
	}
	nets := env.ctrNetworks("a")
	front, back := nets["front"], nets["back"]
	if len(nets) != 2 || front.IPAddress == "" || !strings.HasPrefix(back.IPAddress, "10.89.") || back.Gateway == "" ||
		back.MacAddress == "" || back.NetworkID == "" || !contains(back.Aliases, "aa") {
		t.Errorf("inspect a: %+v", nets)
	}
	var ninfo []struct {
		Name       string
		Containers map[string]struct{ Name string } `json:"containers"`
	}
	if err := json.Unmarshal([]byte(env.PMOK("network", "inspect", "back").Stdout), &ninfo); err != nil || len(ninfo) != 1 {
		t.Fatalf("network inspect back: %v", err)
	}
	var names []string
	for _, c := range ninfo[0].Containers {
		names = append(names, c.Name)
	}
	if len(names) != 2 || !contains(names, "a") || !contains(names, "b") {
		t.Errorf("network inspect back lists %q", names)
	}

	env.PM("network", "connect", "back", "a").ExpectError(t, 125, "already connected")
	env.PM("network", "connect", "nosuch", "a").ExpectError(t, 125, "network not found")
	env.PM("network", "connect", "back", "nosuch").ExpectError(t, 125, "nosuch")
	env.PM("network", "connect", "--ip", "bogus", "back", "a").ExpectError(t, 125, "--ip")

	env.hostsIPOf("a")
	env.PMOK("network", "disconnect", "back", "a")
	if ip := env.hostsIPOf("a"); ip == back.IPAddress {
		t.Errorf("/etc/hosts of a keeps the address of the network it left")
	}
	if res := env.PM("exec", "a", "timeout", "2", "wget", "-qO-", "http://"+back.IPAddress+"/"); res.Code == 0 {
		t.Errorf("a still reaches back after disconnect: %s", res)
	}
	if nets := env.ctrNetworks("a"); len(nets) != 1 {
		t.Errorf("inspect a after disconnect: %+v", nets)
	}
	env.PM("network", "disconnect", "back", "a").ExpectError(t, 125, "not connected")
	env.PM("network", "disconnect", "nosuch", "a").ExpectError(t, 125, "network not found")

	// A restart keeps what connect recorded.
	env.PMOK("network", "connect", "back", "a")
	env.PMOK("restart", "-t", "0", "a")
	if res := env.PM("exec", "a", "timeout", "5", "wget", "-qO-", "http://bee/"); res.Code != 0 {
		t.Errorf("a fetching bee after restart: %s", res)
	}
	env.PMOK("rm", "-f", "-t", "0", "a", "b")
	env.expectNoHelpers("after connect and disconnect")
}

// TestNetworkReconnectKeepsPeers: a container disconnected from its only
// network and connected again is torn down as itself: removing it leaves
// its peer's name in the network's DNS and the peer removable (the
// re-made attachment had no container ID, and its teardown dropped every
// container's DNS entries, after which the peer could not be removed).
func TestNetworkReconnectKeepsPeers(t *testing.T) {
	env := ctrEnv(t)
	env.PMOK("network", "create", "solo")
	env.PMOK("run", "-d", "--name", "a", "--network", "solo", "busybox", "sh", "-c", httpdCmd)
	env.PMOK("run", "-d", "--name", "b", "--network", "solo", "busybox", "sleep", "300")
	env.waitListening("a", 80)
	env.PMOK("network", "disconnect", "solo", "b")
	env.PMOK("network", "connect", "solo", "b")
	if res := env.PM("exec", "b", "wget", "-qO-", "http://a/"); res.Code != 0 {
		t.Errorf("b reaches a by name after reconnecting: %s", res)
	}
	env.PMOK("rm", "-f", "-t", "0", "b")
	env.PMOK("run", "-d", "--name", "c", "--network", "solo", "busybox", "sleep", "300")
	if res := env.PM("exec", "c", "wget", "-qO-", "http://a/"); res.Code != 0 {
		t.Errorf("a is no longer found by name after b's removal: %s", res)
	}
	env.PMOK("rm", "-f", "-t", "0", "a", "c")
	env.PMOK("network", "rm", "solo")
	env.expectNoHelpers("after the reconnected containers")
}

// TestNetworkReconnectPorts: a published port follows its container
// through network disconnect and connect: closed while it has no network,
// carried again once it is connected (also when the reconnect is to its
// only network, and when the rootless namespace stayed up for another
// container), as in Podman.
func TestNetworkReconnectPorts(t *testing.T) {
	env := ctrEnv(t)
	env.PMOK("network", "create", "pnet")
	hp := freeHostPort(t)
	url := "http://127.0.0.1:" + itoa(hp) + "/"
	for _, other := range []bool{false, true} {
		if other {
			env.PMOK("run", "-d", "--name", "bg", "--network", "pnet", "busybox", "sleep", "300")
		}
		env.PMOK("run", "-d", "--name", "web", "-p", "127.0.0.1:"+itoa(hp)+":80", "--network", "pnet", "busybox", "sh", "-c", httpdCmd)
		env.waitListening("web", 80)
		if body, err := httpGet(t, url); err != nil || body != "hello from pm\n" {
			t.Fatalf("published port before disconnect (other container: %v): %q, %v", other, body, err)
		}
		env.PMOK("network", "disconnect", "pnet", "web")
		if c, err := net.DialTimeout("tcp", "127.0.0.1:"+itoa(hp), 3*time.Second); err == nil {
			// Accepted by a helper still listening: it must not reach the server.
			c.SetDeadline(time.Now().Add(3 * time.Second))
			fmt.Fprintf(c, "GET / HTTP/1.0\r\n\r\n")
			if b, _ := io.ReadAll(c); len(b) > 0 {
				t.Errorf("published port answered while disconnected (other container: %v): %q", other, b)
			}
			c.Close()
		}
		env.PMOK("network", "connect", "pnet", "web")
		if body, err := httpGet(t, url); err != nil || body != "hello from pm\n" {
			t.Errorf("published port after reconnect (other container: %v): %q, %v", other, body, err)
		}
		env.PMOK("rm", "-f", "-t", "0", "web")
	}
	env.PMOK("rm", "-f", "-t", "0", "bg")
}

// TestNetworkNextAddress: addresses are handed out as Podman's IPAM does,
// the next free one after the last given, wrapping around at the end of
// the range: a container that reconnects gets a new address (and MAC),
// which its /etc/hosts shows, and a new container does not get the
// address just freed while others are left.
func TestNetworkNextAddress(t *testing.T) {
	env := ctrEnv(t)
	env.PMOK("network", "create", "--subnet", "10.199.7.0/24", "--ip-range", "10.199.7.4/30", "rr")
	ipOf := func(name string) (string, string) {
		n := env.ctrNetworks(name)["rr"]
		return n.IPAddress, n.MacAddress
	}
	env.PMOK("run", "-d", "--name", "a", "--network", "rr", "busybox", "sleep", "300")
	ip, mac := ipOf("a")
	if ip != "10.199.7.5" {
		t.Fatalf("first address of the range: %s, want 10.199.7.5", ip)
	}
	env.PMOK("network", "disconnect", "rr", "a")
	env.PMOK("network", "connect", "rr", "a")
	newIP, newMAC := ipOf("a")
	if newIP != "10.199.7.6" || newMAC == mac || newMAC == "" {
		t.Errorf("after reconnecting: %s %s, want 10.199.7.6 and a MAC other than %s", newIP, newMAC, mac)
	}
	if got := env.hostsIPOf("a"); got != newIP {
		t.Errorf("/etc/hosts after reconnecting gives %s, want %s", got, newIP)
	}
	// The range wraps around: .5 is free again, .6 is a's.
	env.PMOK("run", "-d", "--name", "b", "--network", "rr", "busybox", "sleep", "300")
	if got, _ := ipOf("b"); got != "10.199.7.5" {
		t.Errorf("after the end of the range: %s, want 10.199.7.5", got)
	}
	env.PM("run", "-d", "--name", "c", "--network", "rr", "busybox", "sleep", "300").ExpectError(t, 125, "no free address")
	env.PMOK("rm", "-f", "-t", "0", "a", "b", "c")
	env.PMOK("network", "rm", "rr")
}
