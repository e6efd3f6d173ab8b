// talos-oracle: Talos's own machinery behind a tiny stdin/stdout interface, used only by the
// differential tests (test/oracle). Each subcommand lives in its own file and registers itself in init().
// Input is JSON or YAML on stdin; output is one JSON value on stdout. A subcommand that reports a Talos
// error does so inside its JSON ({"error": "..."}) and exits 0; exit 1 means the oracle itself failed.
package main

import (
	"encoding/json"
	"fmt"
	"io"
	"os"
	"sort"
)

type command struct {
	summary string
	run     func(args []string, stdin io.Reader) (any, error)
}

var commands = map[string]command{}

func register(name, summary string, run func(args []string, stdin io.Reader) (any, error)) {
	if _, dup := commands[name]; dup {
		panic("oracle subcommand registered twice: " + name)
	}

	commands[name] = command{summary: summary, run: run}
}

func usage() {
	names := make([]string, 0, len(commands))
	for n := range commands {
		names = append(names, n)
	}

	sort.Strings(names)
	fmt.Fprintln(os.Stderr, "usage: talos-oracle SUBCOMMAND [args] < input")

	for _, n := range names {
		fmt.Fprintf(os.Stderr, "  %-10s %s\n", n, commands[n].summary)
	}
}

func main() {
	if len(os.Args) < 2 {
		usage()
		os.Exit(2)
	}

	cmd, ok := commands[os.Args[1]]
	if !ok {
		fmt.Fprintf(os.Stderr, "talos-oracle: unknown subcommand %q\n", os.Args[1])
		usage()
		os.Exit(2)
	}

	out, err := cmd.run(os.Args[2:], os.Stdin)
	if err != nil {
		fmt.Fprintf(os.Stderr, "talos-oracle %s: %v\n", os.Args[1], err)
		os.Exit(1)
	}

	enc := json.NewEncoder(os.Stdout)
	enc.SetEscapeHTML(false)

	if err := enc.Encode(out); err != nil {
		fmt.Fprintf(os.Stderr, "talos-oracle: %v\n", err)
		os.Exit(1)
	}
}
