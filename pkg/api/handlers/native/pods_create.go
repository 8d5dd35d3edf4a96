package native

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"net/http"
	"strconv"
	"strings"

	"github.com/pm-project/pm/libpod/define"
	"github.com/pm-project/pm/pkg/api/handlers"
	"github.com/pm-project/pm/pkg/specgen"
)

// podCreateBody is the body of POST /v1/pm/pods/create: the options of
// `pm pod create`, keyed by their long flag names with _ for -. Values
// are checked as the CLI checks its flags.
type podCreateBody struct {
	Name   string            `json:"name"`
	Labels map[string]string `json:"labels"`
	// Infra is --infra; nil means true.
	Infra        *bool    `json:"infra"`
	InfraImage   string   `json:"infra_image"`
	InfraCommand []string `json:"infra_command"`
	InfraName    string   `json:"infra_name"`
	// Share is --share: a string in its syntax ("net,ipc", "+pid",
	// "none") or a list of namespaces; absent means net,ipc,uts (none
	// without infra).
	Share json.RawMessage `json:"share"`
	// Publish are -p's mappings: "[[ip:][hostPort]:]containerPort[/proto]"
	// strings, or Podman's objects {"host_ip", "host_port",
	// "container_port", "range", "protocol"}.
	Publish    []json.RawMessage `json:"publish"`
	Network    string            `json:"network"`
	Hostname   string            `json:"hostname"`
	AddHost    []string          `json:"add_host"`
	DNS        []string          `json:"dns"`
	UserNS     string            `json:"userns"`
	ExitPolicy string            `json:"exit_policy"`
	Replace    bool              `json:"replace"`
}

// spec turns the body into the PodSpec that `pm pod create` would build
// from the same flags.
func (b *podCreateBody) spec() (*specgen.PodSpec, error) {
	p := &specgen.PodSpec{
		Name: b.Name, Labels: b.Labels, Infra: b.Infra == nil || *b.Infra,
		InfraImage: b.InfraImage, InfraCmd: b.InfraCommand, InfraName: b.InfraName,
		NetworkMode: b.Network, Hostname: b.Hostname, UserNS: b.UserNS,
		ExitPolicy: b.ExitPolicy, Replace: b.Replace,
	}
	if p.Labels == nil {
		p.Labels = map[string]string{}
	}
	p.Net.DNS, p.Net.AddHosts = b.DNS, b.AddHost
	share, err := shareOf(b.Share)
	if err != nil {
		return nil, err
	}
	switch {
	case share != nil:
		if p.Share, err = specgen.ParseShare(*share); err != nil {
			return nil, err
		}
	case p.Infra:
		p.Share = []string{"net", "ipc", "uts"}
	}
	for _, raw := range b.Publish {
		m, err := portOf(raw)
		if err != nil {
			return nil, err
		}
		p.Net.Ports = append(p.Net.Ports, m)
	}
	return p, nil
}

// shareOf reads share, a string or a list of strings; nil when absent.
func shareOf(raw json.RawMessage) (*string, error) {
	if len(raw) == 0 || string(raw) == "null" {
		return nil, nil
	}
	var s string
	if err := json.Unmarshal(raw, &s); err == nil {
		return &s, nil
	}
	var list []string
	if err := json.Unmarshal(raw, &list); err != nil {
		return nil, handlers.BadRequest("invalid share %s: use a string such as \"net,ipc\" or a list of namespaces", raw)
	}
	for _, ns := range list {
		if strings.ContainsAny(ns, ",+") {
			return nil, handlers.BadRequest("invalid share %s: unknown namespace %q: use net, ipc, uts, pid or cgroup", raw, ns)
		}
	}
	s = strings.Join(list, ",")
	return &s, nil
}

// portOf reads one element of publish. An object is written out in -p's
// syntax and parsed as -p is, so both forms are checked alike.
func portOf(raw json.RawMessage) (define.PortMapping, error) {
	var s string
	if err := json.Unmarshal(raw, &s); err == nil {
		return specgen.ParsePort(s)
	}
	var m define.PortMapping
	dec := json.NewDecoder(bytes.NewReader(raw))
	dec.DisallowUnknownFields()
	if err := dec.Decode(&m); err != nil {
		return define.PortMapping{}, handlers.BadRequest("invalid port %s: %s", raw, jsonMessage(err))
	}
	return specgen.ParsePort(portString(m))
}

// portString writes m in -p's syntax.
func portString(m define.PortMapping) string {
	n := int(max(m.Range, 1))
	span := func(start uint16) string {
		if n == 1 {
			return strconv.Itoa(int(start))
		}
		return fmt.Sprintf("%d-%d", start, int(start)+n-1)
	}
	s := span(m.ContainerPort)
	host := ""
	if m.HostPort != 0 {
		host = span(m.HostPort)
	}
	switch {
	case m.HostIP != "":
		ip := m.HostIP
		if strings.Contains(ip, ":") {
			ip = "[" + ip + "]"
		}
		s = ip + ":" + host + ":" + s
	case host != "":
		s = host + ":" + s
	}
	if m.Protocol != "" {
		s += "/" + m.Protocol
	}
	return s
}

// decodeStrict reads the request body into v, refusing unknown keys (a
// misspelt option must not be ignored) and anything after the value. An
// empty body leaves v as it is.
func decodeStrict(r *http.Request, v any) error {
	if r.Body == nil {
		return nil
	}
	dec := json.NewDecoder(r.Body)
	dec.DisallowUnknownFields()
	if err := dec.Decode(v); err != nil {
		if errors.Is(err, io.EOF) {
			return nil
		}
		return handlers.BadRequest("invalid JSON in request body: %s", jsonMessage(err))
	}
	if err := dec.Decode(&json.RawMessage{}); !errors.Is(err, io.EOF) {
		return handlers.BadRequest("invalid JSON in request body: data after the object")
	}
	return nil
}

// jsonMessage says what is wrong with a JSON value, naming the field.
func jsonMessage(err error) string {
	var te *json.UnmarshalTypeError
	if errors.As(err, &te) {
		return fmt.Sprintf("field %q: cannot use a %s as %s", te.Field, te.Value, te.Type)
	}
	return strings.TrimPrefix(err.Error(), "json: ")
}
