package createflags

import (
	"github.com/pm-project/pm/pkg/specgen"
	"github.com/spf13/pflag"
)

// netFlags are the network flags of run and create (besides --network).
type netFlags struct {
	Publish    []string
	PublishAll bool
	Aliases    []string
	IP, MAC    string
	DNS        []string
	DNSSearch  []string
	DNSOptions []string
	DNSOpts    []string // --dns-opt, Podman 4.3's name of --dns-option
	AddHosts   []string
	NoHosts    bool
}

func (f *netFlags) bind(fs *pflag.FlagSet) {
	fs.StringArrayVarP(&f.Publish, "publish", "p", nil, "Publish a container's port, or a range of ports, to the host ([[ip:][hostPort]:]containerPort[/protocol])")
	fs.BoolVarP(&f.PublishAll, "publish-all", "P", false, "Publish all exposed ports to random ports on the host interfaces")
	fs.StringArrayVar(&f.Aliases, "network-alias", nil, "Add network-scoped alias for the container")
	fs.StringVar(&f.IP, "ip", "", "Specify a static IPv4 address for the container")
	fs.StringVar(&f.MAC, "mac-address", "", "Container MAC address (e.g. 92:d0:c6:0a:29:33)")
	fs.StringSliceVar(&f.DNS, "dns", nil, "Set custom DNS servers")
	fs.StringSliceVar(&f.DNSSearch, "dns-search", nil, "Set custom DNS search domains")
	fs.StringSliceVar(&f.DNSOptions, "dns-option", nil, "Set custom DNS options")
	fs.StringSliceVar(&f.DNSOpts, "dns-opt", nil, "Alias for --dns-option")
	fs.Lookup("dns-opt").Hidden = true
	fs.StringSliceVar(&f.AddHosts, "add-host", nil, "Add a custom host-to-IP mapping (host:ip)")
	fs.BoolVar(&f.NoHosts, "no-hosts", false, "Do not create /etc/hosts within the container, instead use the version from the image")
}

// apply parses the network flags into s.
func (f *netFlags) apply(s *specgen.Spec) error {
	for _, p := range f.Publish {
		m, err := specgen.ParsePort(p)
		if err != nil {
			return err
		}
		s.Net.Ports = append(s.Net.Ports, m)
	}
	s.Net.PublishAll = f.PublishAll
	s.Net.Aliases = f.Aliases
	s.Net.IP, s.Net.MAC = f.IP, f.MAC
	s.Net.DNS, s.Net.DNSSearch = f.DNS, f.DNSSearch
	s.Net.DNSOptions = append(append([]string{}, f.DNSOptions...), f.DNSOpts...)
	s.Net.AddHosts = f.AddHosts
	s.Net.NoHosts = f.NoHosts
	return nil
}
