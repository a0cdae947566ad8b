package cis

import (
	"fmt"
	"regexp"
	"strconv"
	"strings"
)

// ParamType says which values a parameter accepts.
type ParamType string

const (
	Int    ParamType = "int"    // a decimal integer
	String ParamType = "string" // one line of text
	List   ParamType = "list"   // space-separated words
	Bool   ParamType = "bool"   // true or false
	Enum   ParamType = "enum"   // one of Param.Enum
)

// Param is a value a control reads, with a safe default the user can
// override with `parameters = { name = "value" }`.
type Param struct {
	Name    string    `yaml:"name"`
	Type    ParamType `yaml:"type"`
	Default string    `yaml:"default"`
	// Enum lists the accepted values of an Enum parameter.
	Enum []string `yaml:"enum"`
	// Min and Max bound an Int parameter (both 0: unbounded).
	Min int `yaml:"min"`
	Max int `yaml:"max"`
	// Cloud holds defaults that replace Default under a cloud preset
	// ("aws", "gcp"), unless the user set the parameter.
	Cloud map[string]string `yaml:"cloud"`
	// Doc says what the parameter changes.
	Doc string `yaml:"doc"`
}

var listWordRE = regexp.MustCompile(`^[A-Za-z0-9_.:/@%+,=*-]+$`)

// Validate checks value against the parameter's type and returns an error
// that names the parameter, the value and what is accepted.
func (p *Param) Validate(value string) error {
	bad := func(want string) error {
		return fmt.Errorf("parameters.%s: %q is not %s", p.Name, value, want)
	}
	switch p.Type {
	case Int:
		n, err := strconv.Atoi(strings.TrimSpace(value))
		if err != nil {
			return bad("an integer")
		}
		if (p.Min != 0 || p.Max != 0) && (n < p.Min || n > p.Max) {
			return bad(fmt.Sprintf("an integer from %d to %d", p.Min, p.Max))
		}
	case Bool:
		if value != "true" && value != "false" {
			return bad("true or false")
		}
	case Enum:
		for _, e := range p.Enum {
			if value == e {
				return nil
			}
		}
		return bad("one of " + strings.Join(p.Enum, ", "))
	case List:
		for _, w := range strings.Fields(value) {
			if !listWordRE.MatchString(w) {
				return bad("a space-separated list of words (letters, digits and . : / @ % + , = * _ -)")
			}
		}
	case String:
		if strings.ContainsAny(value, "\x00\r") {
			return bad("text without NUL or carriage return")
		}
	default:
		return fmt.Errorf("parameters.%s: unknown type %q", p.Name, p.Type)
	}
	return nil
}
