package gce

import (
	"errors"
	"fmt"
	"maps"
	"slices"
	"strings"
	"unicode/utf8"
)

// GCE label limits.
const (
	MaxLabels   = 64
	MaxLabelLen = 63
)

// ValidateLabels checks labels, to be merged into an image's existing
// labels, against GCE's rules: keys have 1 to 63 characters and start with
// a lowercase letter; keys and values (0 to 63 characters) have only
// lowercase letters, digits, _ and -; an image has at most 64 labels.
// GCE also accepts international lowercase letters and digits; this check
// does not, to keep the rule simple to state (the plugin's own labels are
// ASCII). Existing labels are only counted: GCE accepted them already.
// Every broken rule is reported, naming the key or value.
func ValidateLabels(existing, labels map[string]string) error {
	var errs []error
	added := 0
	for _, k := range slices.Sorted(maps.Keys(labels)) {
		if err := checkKey(k); err != nil {
			errs = append(errs, err)
		}
		if err := checkValue(k, labels[k]); err != nil {
			errs = append(errs, err)
		}
		if _, ok := existing[k]; !ok {
			added++
		}
	}
	if n := len(existing) + added; n > MaxLabels {
		errs = append(errs, fmt.Errorf("the image would have %d labels (%d existing, %d new): at most %d are allowed", n, len(existing), added, MaxLabels))
	}
	return errors.Join(errs...)
}

func checkKey(k string) error {
	first, _ := utf8.DecodeRuneInString(k)
	switch n := utf8.RuneCountInString(k); {
	case n == 0:
		return fmt.Errorf("label key is empty: keys have 1 to %d characters", MaxLabelLen)
	case n > MaxLabelLen:
		return fmt.Errorf("label key %q has %d characters: keys have at most %d", k, n, MaxLabelLen)
	case first < 'a' || first > 'z':
		return fmt.Errorf("label key %q starts with %q: keys start with a lowercase letter a-z", k, first)
	}
	if i := strings.IndexFunc(k, notAllowed); i >= 0 {
		r, _ := utf8.DecodeRuneInString(k[i:])
		return fmt.Errorf("label key %q has %q: keys have only a-z, 0-9, _ and -", k, r)
	}
	return nil
}

func checkValue(k, v string) error {
	if n := utf8.RuneCountInString(v); n > MaxLabelLen {
		return fmt.Errorf("label %s: value %q has %d characters: values have at most %d", k, v, n, MaxLabelLen)
	}
	if i := strings.IndexFunc(v, notAllowed); i >= 0 {
		r, _ := utf8.DecodeRuneInString(v[i:])
		return fmt.Errorf("label %s: value %q has %q: values have only a-z, 0-9, _ and -", k, v, r)
	}
	return nil
}

// notAllowed says whether r may not appear in a label key or value.
func notAllowed(r rune) bool {
	return !(r >= 'a' && r <= 'z' || r >= '0' && r <= '9' || r == '_' || r == '-')
}
