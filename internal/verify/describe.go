package verify

import (
	"fmt"
	"strings"
)

// Describe says in words what the policy checks, one line per check, for
// reports that must name the policy they applied.
func (p *Policy) Describe() []string {
	lines := []string{"required statements: " + strings.Join(p.require, ", ")}
	lines = append(lines, fmt.Sprintf("CIS (whenever its statement verifies): profile level %d or higher, at most %d unwaived failed or error controls of levels up to %d",
		p.minLevel, p.maxFailed, p.minLevel))
	if p.bootProof {
		lines = append(lines, fmt.Sprintf("boot proof required: rebooted after hardening, and every control of levels up to %d that passed or was fixed passes after the boot", p.minLevel))
	}
	if p.maxAge > 0 {
		lines = append(lines, fmt.Sprintf("build age: at most %s", p.maxAge))
	} else {
		lines = append(lines, "build age: any")
	}
	if len(p.builders) > 0 {
		lines = append(lines, "SLSA builder: one of "+strings.Join(p.builders, ", "))
	} else {
		lines = append(lines, "SLSA builder: any")
	}
	return lines
}
