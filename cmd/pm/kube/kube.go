// Package kube holds pm's kube commands: pm kube generate, play and down.
// The verbs' constructors are exported so that the aliases `pm generate
// kube` and `pm play kube` can mount them.
package kube

import (
	"context"
	"fmt"
	"io"
	"net/http"
	"os"
	"strings"
	"time"

	"github.com/pm-project/pm/cmd/pm/internal/cli"
	"github.com/pm-project/pm/libpod/define"
	"github.com/pm-project/pm/libpod/engine"
	"github.com/spf13/cobra"
)

// Register adds `pm kube` with its subcommands to root.
func Register(root *cobra.Command) {
	k := &cobra.Command{
		Use:   "kube",
		Short: "Play containers, pods or volumes from Kubernetes YAML, or generate it",
	}
	k.AddCommand(NewGenerateCommand(), NewPlayCommand(), NewDownCommand())
	root.AddCommand(k)

	// Podman's older spellings: pm generate kube (under the generate noun,
	// registered before this one) and pm play kube.
	for _, c := range root.Commands() {
		if c.Name() == "generate" {
			c.AddCommand(alias(NewGenerateCommand()))
		}
	}
	play := &cobra.Command{Use: "play", Short: "Play containers, pods or volumes from Kubernetes YAML (as pm kube play)"}
	play.AddCommand(alias(NewPlayCommand()))
	root.AddCommand(play)
}

// alias renames a kube verb "kube", keeping its arguments and flags.
func alias(c *cobra.Command) *cobra.Command {
	_, args, _ := strings.Cut(c.Use, " ")
	c.Use = "kube " + args
	return c
}

func engineOf(cmd *cobra.Command) (*engine.Engine, error) {
	return cli.FromCmd(cmd).Engine(cmd.Context())
}

// readInput reads a YAML file, stdin for "-", or an http(s) URL.
func readInput(cmd *cobra.Command, name string) ([]byte, error) {
	if strings.HasPrefix(name, "http://") || strings.HasPrefix(name, "https://") {
		return fetchURL(cmd.Context(), name)
	}
	if name == "-" {
		data, err := io.ReadAll(cmd.InOrStdin())
		if err != nil {
			return nil, fmt.Errorf("reading stdin: %w", err)
		}
		return data, nil
	}
	data, err := os.ReadFile(name)
	if err != nil {
		if os.IsNotExist(err) {
			return nil, define.Errorf(define.ErrNotFound, "reading %s: no such file or directory", name)
		}
		return nil, define.Invalidf("reading %s: %v", name, err)
	}
	return data, nil
}

// fetchURL reads the YAML served at url; an answer other than 200 OK is
// an error.
func fetchURL(ctx context.Context, url string) ([]byte, error) {
	ctx, cancel := context.WithTimeout(ctx, 2*time.Minute)
	defer cancel()
	req, err := http.NewRequestWithContext(ctx, http.MethodGet, url, nil)
	if err != nil {
		return nil, define.Invalidf("invalid URL %s: %v", url, err)
	}
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		return nil, fmt.Errorf("fetching %s: %w", url, err)
	}
	defer resp.Body.Close()
	if resp.StatusCode != http.StatusOK {
		return nil, fmt.Errorf("fetching %s: %s", url, resp.Status)
	}
	data, err := io.ReadAll(resp.Body)
	if err != nil {
		return nil, fmt.Errorf("fetching %s: %w", url, err)
	}
	return data, nil
}

// printDown prints what kube down removed, in Podman's layout.
func printDown(rep *engine.KubeDownReport) {
	if rep == nil {
		return
	}
	fmt.Println("Pods stopped:")
	for _, id := range rep.Stopped {
		fmt.Println(id)
	}
	fmt.Println("Pods removed:")
	for _, id := range rep.Removed {
		fmt.Println(id)
	}
	fmt.Println("Volumes removed:")
	for _, v := range rep.Volumes {
		fmt.Println(v)
	}
}
