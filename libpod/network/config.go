package network

import (
	"crypto/rand"
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"errors"
	"fmt"
	"net"
	"os"
	"path/filepath"
	"sort"
	"strings"
	"time"

	"github.com/pm-project/pm/libpod/define"
)

// Store is the directory of network configuration files. The default
// network exists without a file, as in Podman.
type Store struct {
	Dir            string
	DefaultName    string // "pm"
	DefaultSubnet  string // "10.88.0.0/16"
	DefaultIfcName string // "pm0"
}

// Default is the default network's configuration. Its ID is the
// SHA-256 of its name, as Podman derives its default network's: stable
// across processes and machines, with no file to keep it in.
func (s *Store) Default() *define.Network {
	_, ipn, err := net.ParseCIDR(s.DefaultSubnet)
	if err != nil {
		_, ipn, _ = net.ParseCIDR("10.88.0.0/16")
	}
	return &define.Network{
		Name: s.DefaultName, ID: NameID(s.DefaultName), Driver: "bridge",
		NetworkInterface: s.DefaultIfcName, Created: time.Unix(0, 0).UTC(),
		Subnets:     []define.Subnet{{Subnet: ipn.String(), Gateway: firstHost(ipn).String()}},
		IPAMOptions: map[string]string{"driver": "host-local"},
	}
}

// List returns every network, by name.
func (s *Store) List() ([]*define.Network, error) {
	ents, err := os.ReadDir(s.Dir)
	if err != nil && !errors.Is(err, os.ErrNotExist) {
		return nil, fmt.Errorf("reading network configs: %w", err)
	}
	var out []*define.Network
	hasDefault := false
	for _, e := range ents {
		if !strings.HasSuffix(e.Name(), ".json") {
			continue
		}
		n, err := readNetwork(filepath.Join(s.Dir, e.Name()))
		if err != nil {
			return nil, err
		}
		if n.Name == s.DefaultName {
			hasDefault = true
		}
		out = append(out, n)
	}
	if !hasDefault {
		out = append(out, s.Default())
	}
	// By name, the default among the others, as Podman lists them.
	sort.Slice(out, func(i, j int) bool { return out[i].Name < out[j].Name })
	return out, nil
}

func readNetwork(path string) (*define.Network, error) {
	b, err := os.ReadFile(path)
	if err != nil {
		return nil, fmt.Errorf("reading network config: %w", err)
	}
	var n define.Network
	if err := json.Unmarshal(b, &n); err != nil {
		return nil, fmt.Errorf("parsing network config %s: %w", path, err)
	}
	return &n, nil
}

// Get finds a network by name, full ID or unique ID prefix.
func (s *Store) Get(nameOrID string) (*define.Network, error) {
	all, err := s.List()
	if err != nil {
		return nil, err
	}
	var match *define.Network
	for _, n := range all {
		if n.Name == nameOrID || n.ID == nameOrID {
			return n, nil
		}
		if len(nameOrID) >= 3 && strings.HasPrefix(n.ID, nameOrID) {
			if match != nil {
				return nil, define.Errorf(define.ErrInvalidArg, "network ID %q is ambiguous", nameOrID)
			}
			match = n
		}
	}
	if match == nil && nameOrID == PodmanDefaultName {
		// Podman's default network's name, as scripts and compose files
		// written for Podman use it, is the default network unless a
		// network of that name exists.
		for _, n := range all {
			if n.Name == s.DefaultName {
				return n, nil
			}
		}
	}
	if match == nil {
		return nil, define.Errorf(define.ErrNoSuchNetwork, "unable to find network with name or ID %s: network not found", nameOrID)
	}
	return match, nil
}

// PodmanDefaultName is the name of Podman's default network, another
// name of pm's.
const PodmanDefaultName = "podman"

// Save writes n atomically; with create, an existing network of the name
// is an error.
func (s *Store) Save(n *define.Network, create bool) error {
	if err := os.MkdirAll(s.Dir, 0o755); err != nil {
		return fmt.Errorf("creating network config directory: %w", err)
	}
	b, err := json.MarshalIndent(n, "", "     ")
	if err != nil {
		return err
	}
	path := filepath.Join(s.Dir, n.Name+".json")
	tmp, err := os.CreateTemp(s.Dir, "."+n.Name+"-*.tmp")
	if err != nil {
		return fmt.Errorf("writing network config: %w", err)
	}
	defer os.Remove(tmp.Name())
	if _, err := tmp.Write(append(b, '\n')); err != nil {
		tmp.Close()
		return fmt.Errorf("writing network config: %w", err)
	}
	if err := tmp.Close(); err != nil {
		return err
	}
	if create {
		// link fails if the name was taken meanwhile: no read-then-write race.
		if err := os.Link(tmp.Name(), path); err != nil {
			if errors.Is(err, os.ErrExist) {
				return define.Errorf(define.ErrAlreadyExists, "network name %s already used: network already exists", n.Name)
			}
			return fmt.Errorf("writing network config: %w", err)
		}
		return nil
	}
	return os.Rename(tmp.Name(), path)
}

// Remove deletes n's configuration file.
func (s *Store) Remove(n *define.Network) error {
	err := os.Remove(filepath.Join(s.Dir, n.Name+".json"))
	if err != nil && !errors.Is(err, os.ErrNotExist) {
		return fmt.Errorf("removing network %s: %w", n.Name, err)
	}
	return nil
}

// NameID is the 64-hex ID derived from a network's name.
func NameID(name string) string {
	sum := sha256.Sum256([]byte(name))
	return hex.EncodeToString(sum[:])
}

// NewID returns a random 64-hex network ID.
func NewID() string {
	var b [32]byte
	rand.Read(b[:])
	return hex.EncodeToString(b[:])
}

// firstHost is the first address of a subnet (its usual gateway).
func firstHost(n *net.IPNet) net.IP {
	ip := append(net.IP{}, n.IP.To4()...)
	if ip == nil {
		ip = append(net.IP{}, n.IP...)
	}
	ip[len(ip)-1]++
	return ip
}
