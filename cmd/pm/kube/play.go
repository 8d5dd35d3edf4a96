package kube

import (
	"fmt"
	"io"
	"os"
	"strings"

	"github.com/pm-project/pm/libpod/define"
	"github.com/pm-project/pm/libpod/engine"
	"github.com/spf13/cobra"
)

// NewPlayCommand returns `kube play`.
func NewPlayCommand() *cobra.Command {
	var (
		o          engine.KubePlayOptions
		down       bool
		force      bool
		quiet      bool
		start      bool
		build      bool
		configMaps []string
		annots     []string
	)
	cmd := &cobra.Command{
		Use:   "play [options] FILE|-",
		Short: "Create containers, pods and volumes based on Kubernetes YAML",
		Args:  cobra.ExactArgs(1),
		RunE: func(cmd *cobra.Command, args []string) error {
			if force && !down {
				return define.Invalidf("--force may be used only with --down")
			}
			fs := cmd.Flags()
			if fs.Changed("build") {
				o.Build = &build
			}
			if fs.Changed("context-dir") && !build {
				return define.Invalidf("--build must be specified when using --context-dir option")
			}
			if !fs.Changed("context-dir") {
				wd, err := os.Getwd()
				if err != nil {
					return fmt.Errorf("finding the current directory: %w", err)
				}
				o.ContextDir = wd
			}
			for _, a := range annots {
				k, v, ok := strings.Cut(a, "=")
				if !ok || k == "" {
					return define.Invalidf("invalid --annotation %q: must be key=value", a)
				}
				if o.Annotations == nil {
					o.Annotations = map[string]string{}
				}
				o.Annotations[k] = v
			}
			if down && (o.Replace || cmd.Flags().Changed("start")) {
				return define.Invalidf("--down cannot be used with --replace or --start")
			}
			data, err := readInput(cmd, args[0])
			if err != nil {
				return err
			}
			eng, err := engineOf(cmd)
			if err != nil {
				return err
			}
			if down {
				rep, err := eng.KubeDown(cmd.Context(), data, force)
				printDown(rep)
				return err
			}
			for _, list := range configMaps {
				for _, p := range strings.Split(list, ",") {
					if p = strings.TrimSpace(p); p == "" {
						continue
					}
					b, err := os.ReadFile(p)
					if err != nil {
						return define.Invalidf("--configmap %s: %v", p, err)
					}
					o.ConfigMaps = append(o.ConfigMaps, b)
				}
			}
			o.NoStart = !start
			o.Progress = io.Writer(os.Stderr)
			if quiet {
				o.Progress = nil
			}
			rep, err := eng.KubePlay(cmd.Context(), data, o)
			if err != nil {
				return err
			}
			for _, w := range rep.Warnings {
				fmt.Fprintln(os.Stderr, w)
			}
			printPlay(rep)
			return nil
		},
	}
	fs := cmd.Flags()
	fs.StringArrayVar(&annots, "annotation", nil, "Add an annotation to the containers and volumes the YAML makes (key=value)")
	fs.BoolVar(&build, "build", false, "Build images from the Containerfiles of directories named as the images, even when the images are present; false never builds")
	fs.StringVar(&o.ContextDir, "context-dir", "", "Directory holding the images' build directories (default: the current directory); needs --build")
	fs.BoolVar(&o.PublishAll, "publish-all", false, "Publish every containerPort of the YAML without a hostPort on the same port of the host")
	fs.BoolVar(&o.ServiceContainer, "service-container", false, "Start a service container that runs as long as the pods, for systemd units")
	fs.StringVar(&o.ExitCodePropagation, "service-exit-code-propagation", "", "How the pods' failures show in the service container's exit code: none, any or all")
	fs.StringSliceVar(&configMaps, "configmap", nil, "Kubernetes ConfigMap YAML files that provide values for the containers' environment (repeat or separate with commas)")
	fs.BoolVar(&down, "down", false, "Stop and remove the pods a previous play of the same YAML created")
	fs.BoolVar(&force, "force", false, "With --down, also remove the volumes of the YAML's PersistentVolumeClaims")
	fs.StringVar(&o.LogDriver, "log-driver", "", "Logging driver of the containers (k8s-file, json-file as an alias of k8s-file, journald, none, passthrough)")
	fs.StringVar(&o.Network, "network", "", "Network of the pods (pasta, slirp4netns, host, none, bridge or a network name)")
	fs.StringArrayVarP(&o.Publish, "publish", "p", nil, "Publish a port of the pods to the host, over the YAML's hostPort ([[ip:][hostPort]:]containerPort[/protocol])")
	fs.BoolVarP(&quiet, "quiet", "q", false, "Suppress the progress of image pulls")
	fs.BoolVar(&o.Replace, "replace", false, "Remove the pods a previous play of the same YAML created, then play it")
	fs.BoolVar(&start, "start", true, "Start the pods once created; false only creates them")
	return cmd
}

// printPlay prints what kube play made, in Podman's layout.
func printPlay(rep *engine.KubePlayReport) {
	if len(rep.Volumes) > 0 {
		fmt.Println("Volumes:")
		for _, v := range rep.Volumes {
			fmt.Println(v)
		}
	}
	for _, p := range rep.Pods {
		fmt.Println("Pod:")
		fmt.Println(p.ID)
		switch len(p.Containers) {
		case 0:
			continue
		case 1:
			fmt.Println("Container:")
		default:
			fmt.Println("Containers:")
		}
		for _, c := range p.Containers {
			fmt.Println(c)
		}
		fmt.Println()
	}
}
