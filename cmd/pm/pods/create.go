package pods

import (
	"fmt"
	"os"
	"path/filepath"
	"strings"

	"github.com/pm-project/pm/libpod/define"
	"github.com/pm-project/pm/pkg/specgen"
	"github.com/spf13/cobra"
)

func init() { verbs = append(verbs, newCreateCommand) }

func newCreateCommand() *cobra.Command {
	var (
		p               specgen.PodSpec
		share, infraCmd string
		labels, publish []string
		dns, addHosts   []string
		dnsSearch       []string
		dnsOptions      []string
		dnsOpts         []string
		podIDFile       string
		infraPidFile    string
	)
	cmd := &cobra.Command{
		Use:   "create [options] [NAME]",
		Short: "Create a new empty pod",
		Args:  cobra.MaximumNArgs(1),
		RunE: func(cmd *cobra.Command, args []string) error {
			fs := cmd.Flags()
			if len(args) == 1 {
				if p.Name != "" && p.Name != args[0] {
					return define.Invalidf("cannot specify both --name %s and a name argument %s", p.Name, args[0])
				}
				p.Name = args[0]
			}
			var err error
			if p.Share, err = specgen.ParseShare(share); err != nil {
				return err
			}
			if !p.Infra && !fs.Changed("share") {
				p.Share = nil
			}
			if infraCmd != "" {
				p.InfraCmd = strings.Fields(infraCmd)
				if strings.HasPrefix(strings.TrimSpace(infraCmd), "[") {
					if p.InfraCmd, err = parseJSONArray(infraCmd); err != nil {
						return define.Invalidf("invalid --infra-command %q: %v", infraCmd, err)
					}
				}
			}
			p.Labels = map[string]string{}
			for _, l := range labels {
				k, v, _ := strings.Cut(l, "=")
				p.Labels[k] = v
			}
			for _, s := range publish {
				m, err := specgen.ParsePort(s)
				if err != nil {
					return err
				}
				p.Net.Ports = append(p.Net.Ports, m)
			}
			p.Net.DNS, p.Net.AddHosts = dns, addHosts
			p.Net.DNSSearch, p.Net.DNSOptions = dnsSearch, append(dnsOptions, dnsOpts...)
			if podIDFile != "" {
				if p.PodIDFile, err = filepath.Abs(podIDFile); err != nil {
					return define.Invalidf("invalid --pod-id-file %q: %v", podIDFile, err)
				}
			}
			if infraPidFile != "" {
				if !p.Infra {
					return define.Invalidf("--infra-conmon-pidfile needs an infra container: it cannot be used with --infra=false")
				}
				if p.InfraConmonPidFile, err = filepath.Abs(infraPidFile); err != nil {
					return define.Invalidf("invalid --infra-conmon-pidfile %q: %v", infraPidFile, err)
				}
			}
			p.CreateCommand = os.Args
			eng, err := engineOf(cmd)
			if err != nil {
				return err
			}
			id, err := eng.PodCreate(cmd.Context(), &p)
			if err != nil {
				return err
			}
			fmt.Println(id)
			return nil
		},
	}
	fs := cmd.Flags()
	fs.StringVarP(&p.Name, "name", "n", "", "Assign a name to the pod")
	fs.BoolVar(&p.Infra, "infra", true, "Create an infra container associated with the pod to share namespaces with")
	fs.StringVar(&p.InfraImage, "infra-image", "", "Image to use for the infra container (default: pm's pause image, built locally)")
	fs.StringVar(&infraCmd, "infra-command", "", "Command to run in the infra container (default: /catatonit -P)")
	fs.StringVar(&infraPidFile, "infra-conmon-pidfile", "", "Path of the file the infra container's conmon writes its pid to")
	fs.StringVar(&p.InfraName, "infra-name", "", "Name of the infra container (default: <short pod ID>-infra)")
	fs.StringVar(&share, "share", "net,ipc,uts", "Namespaces to share among the pod's containers: net, ipc, uts, pid, cgroup, or none")
	fs.StringArrayVarP(&publish, "publish", "p", nil, "Publish a port of the pod to the host ([[ip:][hostPort]:]containerPort[/protocol])")
	fs.StringVar(&p.NetworkMode, "network", "", "Network of the pod's infra container (pasta, slirp4netns, host, none, bridge or a network name)")
	fs.StringVar(&p.Hostname, "hostname", "", "Hostname of the pod (default: the pod's name)")
	fs.StringArrayVarP(&labels, "label", "l", nil, "Set metadata on the pod (key=value)")
	fs.StringSliceVar(&addHosts, "add-host", nil, "Add a custom host-to-IP mapping (host:ip) to the pod's /etc/hosts")
	fs.StringSliceVar(&dns, "dns", nil, "Set custom DNS servers for the pod")
	fs.StringSliceVar(&dnsSearch, "dns-search", nil, "Set custom DNS search domains for the pod")
	fs.StringSliceVar(&dnsOptions, "dns-option", nil, "Set custom DNS options for the pod")
	fs.StringSliceVar(&dnsOpts, "dns-opt", nil, "Alias for --dns-option")
	fs.Lookup("dns-opt").Hidden = true
	fs.StringArrayVar(&p.Net.Aliases, "network-alias", nil, "Add a network-scoped alias for the pod (bridge networks)")
	fs.StringVar(&p.Net.MAC, "mac-address", "", "MAC address of the pod on its bridge network (e.g. 92:d0:c6:0a:29:33)")
	fs.StringVar(&podIDFile, "pod-id-file", "", "Write the pod ID to the file, which must not exist")
	fs.StringVar(&p.UserNS, "userns", "", "User namespace of the pod's infra container")
	fs.StringVar(&p.ExitPolicy, "exit-policy", "continue", "Behaviour when the last container exits: continue or stop")
	fs.BoolVar(&p.Replace, "replace", false, "If a pod with the same name exists, replace it")
	return cmd
}
