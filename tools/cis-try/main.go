// Command cis-try is a development tool: it runs controls of the catalogue
// against an unpacked root filesystem through the same chroot communicator
// and script runner the provisioner uses, and prints one line per control.
//
//	go run ./tools/cis-try -root DIR [-rules REGEX] [-profile P] [-audit] [-param k=v]... [-script FILE]
//
// It changes DIR (unless -audit): use a scratch copy.
package main

import (
	"context"
	"flag"
	"fmt"
	"os"
	"path/filepath"
	"regexp"
	"sort"
	"strings"
	"time"

	"github.com/imagesmith/packer-plugin-hardening/internal/chroot"
	"github.com/imagesmith/packer-plugin-hardening/internal/cis"
	"github.com/imagesmith/packer-plugin-hardening/internal/guest"
)

type params map[string]string

func (p params) String() string { return fmt.Sprint(map[string]string(p)) }
func (p params) Set(s string) error {
	k, v, ok := strings.Cut(s, "=")
	if !ok {
		return fmt.Errorf("want name=value")
	}
	p[k] = v
	return nil
}

func main() {
	root := flag.String("root", "", "unpacked root filesystem")
	rules := flag.String("rules", "", "only rules matching this regular expression")
	ids := flag.String("ids", "", "only controls whose section number (in each benchmark) matches this regular expression")
	profile := flag.String("profile", "cis_level2_server", "profile")
	audit := flag.Bool("audit", false, "audit only")
	script := flag.String("script", "", "also write the generated script here")
	verbose := flag.Bool("v", false, "print evidence and actions")
	ps := params{}
	flag.Var(ps, "param", "parameter override name=value (repeatable)")
	flag.Parse()
	if err := run(*root, *rules, *ids, *profile, *audit, *script, *verbose, ps); err != nil {
		fmt.Fprintln(os.Stderr, "cis-try:", err)
		os.Exit(1)
	}
}

func run(root, rules, ids, profile string, audit bool, script string, verbose bool, ps params) error {
	if root == "" {
		return fmt.Errorf("-root is required")
	}
	cat, err := cis.Load()
	if err != nil {
		return err
	}
	prof, err := cis.ParseProfile(profile)
	if err != nil {
		return err
	}
	plan, err := cis.NewPlan(cat, cis.Options{Profile: prof, Params: ps, Cloud: "none", AuditOnly: audit, Now: time.Now()})
	if err != nil {
		return err
	}
	if rules != "" || ids != "" {
		re, err := regexp.Compile(rules)
		if err != nil {
			return err
		}
		idRE, err := regexp.Compile(ids)
		if err != nil {
			return err
		}
		for b, list := range plan.Controls {
			var keep []cis.Planned
			for _, p := range list {
				if re.MatchString(p.Control.Rule) && idRE.MatchString(p.Ref.ID) {
					keep = append(keep, p)
				}
			}
			plan.Controls[b] = keep
		}
	}
	body := cis.Script(cat, plan)
	if script != "" {
		if err := os.WriteFile(script, body, 0o644); err != nil {
			return err
		}
	}
	resolv := filepath.Join(root, "etc/resolv.conf")
	if _, err := os.Lstat(resolv); os.IsNotExist(err) {
		if b, err := os.ReadFile("/etc/resolv.conf"); err == nil && os.WriteFile(resolv, b, 0o644) == nil {
			defer os.Remove(resolv)
		}
	}
	if err := chroot.Mount(root); err != nil {
		return err
	}
	defer func() {
		chroot.KillProcesses(root)
		if err := chroot.Unmount(root); err != nil {
			fmt.Fprintln(os.Stderr, "unmount:", err)
		}
	}()
	r := &guest.Runner{
		Comm:         &chroot.Communicator{Root: root},
		RemoteFolder: "/var/tmp",
		Command:      func(p, res string) string { return "sh '" + p + "' '" + res + "'" },
		Progress:     func(l string) { fmt.Println("  |", l) },
		MaxResults:   cis.MaxOutputBytes,
	}
	out, err := r.Run(context.Background(), guest.Script{Name: "cis-try", Body: body})
	if err != nil {
		return err
	}
	res, err := cis.Parse(strings.NewReader(string(out.Results)), plan)
	if err != nil {
		return err
	}
	for _, x := range res.Results {
		fmt.Printf("%-10s %-15s %-8s %-6s L%d %s\n", x.CIS, x.Status, x.Before, fmt.Sprint(x.DurationMS)+"ms", x.Level, x.Rule)
		if verbose || x.Status == cis.Error || x.Status == cis.Fail {
			for _, s := range []string{x.EvidenceBefore, x.Action, x.Evidence} {
				if s != "" {
					fmt.Println("      " + strings.ReplaceAll(s, "\n", "\n      "))
				}
			}
		}
	}
	n := res.Counts()
	var keys []string
	for k, v := range n {
		keys = append(keys, fmt.Sprintf("%s=%d", k, v))
	}
	sort.Strings(keys)
	fmt.Printf("%s %s: %s score=%.1f%% guest=%dms round_trips=%d\n", res.Benchmark, res.Mode, strings.Join(keys, " "), res.Score(), res.GuestMS, out.RoundTrips)
	if res.Packages != nil {
		pk := res.Packages
		fmt.Printf("packages: install=%v remove=%v rc=%d %dms lists=%s prefetched=%v update=%dms download=%dms install=%dms remove=%dms\n",
			pk.Installed, pk.Removed, pk.ExitCode, pk.DurationMS, pk.Lists, pk.Prefetched, pk.UpdateMS, pk.DownloadMS, pk.InstallMS, pk.RemoveMS)
	}
	return nil
}
