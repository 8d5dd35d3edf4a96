package images

import (
	"bufio"
	"fmt"
	"io"
	"os"
	"strings"

	"github.com/pm-project/pm/cmd/pm/internal/cli"
	"github.com/pm-project/pm/libpod/engine"
	"github.com/spf13/cobra"
	"golang.org/x/term"
)

func init() {
	verbs = append(verbs, verb{Make: newLoginCommand, Top: "login"})
}

func newLoginCommand(name string) *cobra.Command {
	var (
		auth                cli.AuthFlags
		user, pass          string
		passStdin, getLogin bool
	)
	cmd := &cobra.Command{
		Use:   name + " [options] REGISTRY",
		Short: "Log in to a registry",
		Long: `Check a user name and password against REGISTRY and store them in the
auth file. Asks for what is missing when stdin is a terminal.`,
		Args: cli.ExactArgs(1),
		RunE: func(cmd *cobra.Command, args []string) error {
			ra, err := auth.Auth()
			if err != nil {
				return err
			}
			eng, err := cli.FromCmd(cmd).Engine(cmd.Context())
			if err != nil {
				return err
			}
			if getLogin {
				u, err := eng.LoginUser(cmd.Context(), args[0], ra.AuthFile)
				if err != nil {
					return err
				}
				fmt.Println(u)
				return nil
			}
			if passStdin {
				if pass != "" {
					return invalid("--password and --password-stdin conflict")
				}
				if user == "" {
					return invalid("--password-stdin requires --username")
				}
				b, err := io.ReadAll(os.Stdin)
				if err != nil {
					return fmt.Errorf("reading password from stdin: %w", err)
				}
				pass = strings.TrimRight(string(b), "\r\n")
			}
			if user == "" || pass == "" {
				if !isTerminal(os.Stdin) {
					return invalid("logging in to %s: --username and --password (or --password-stdin) are required without a terminal", args[0])
				}
				if user, pass, err = prompt(user, pass); err != nil {
					return err
				}
			}
			ra.Username, ra.Password = user, pass
			if err := eng.Login(cmd.Context(), engine.LoginRequest{RegistryAuth: ra, Registry: args[0]}); err != nil {
				return err
			}
			fmt.Println("Login Succeeded!")
			return nil
		},
	}
	f := cmd.Flags()
	auth.Bind(f, false)
	f.StringVarP(&user, "username", "u", "", "Registry user name")
	f.StringVarP(&pass, "password", "p", "", "Registry password")
	f.BoolVar(&passStdin, "password-stdin", false, "Read the password from stdin")
	f.BoolVar(&getLogin, "get-login", false, "Print the user name stored for the registry")
	return cmd
}

// prompt asks on the terminal for the user name and password not given.
func prompt(user, pass string) (string, string, error) {
	if user == "" {
		fmt.Fprint(os.Stderr, "Username: ")
		line, err := bufio.NewReader(os.Stdin).ReadString('\n')
		if err != nil {
			return "", "", fmt.Errorf("reading user name: %w", err)
		}
		user = strings.TrimSpace(line)
	}
	if pass == "" {
		fmt.Fprint(os.Stderr, "Password: ")
		b, err := term.ReadPassword(int(os.Stdin.Fd()))
		fmt.Fprintln(os.Stderr)
		if err != nil {
			return "", "", fmt.Errorf("reading password: %w", err)
		}
		pass = string(b)
	}
	return user, pass, nil
}
