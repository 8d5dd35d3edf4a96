package cli

import (
	"bufio"
	"fmt"
	"os"
	"strings"
)

// Confirm prints warning and Podman's question on stdout and reports
// whether the answer read from stdin is yes.
func Confirm(warning string) bool {
	fmt.Print(warning + "\nAre you sure you want to continue? [y/N] ")
	ans, _ := bufio.NewReader(os.Stdin).ReadString('\n')
	a := strings.ToLower(strings.TrimSpace(ans))
	return a == "y" || a == "yes"
}
