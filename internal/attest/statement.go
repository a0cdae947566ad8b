package attest

import (
	"bytes"
	"encoding/json"
	"fmt"
)

// StatementType is the in-toto Statement v1 type.
const StatementType = "https://in-toto.io/Statement/v1"

// PayloadType is the DSSE payload type of an in-toto statement.
const PayloadType = "application/vnd.in-toto+json"

// Subject is one artifact a statement is about.
type Subject struct {
	Name   string            `json:"name"`
	Digest map[string]string `json:"digest"`
}

// Statement is an in-toto Statement v1.
type Statement struct {
	Type          string          `json:"_type"`
	Subject       []Subject       `json:"subject"`
	PredicateType string          `json:"predicateType"`
	Predicate     json.RawMessage `json:"predicate"`
}

// NewStatement returns a statement about subjects with predicate, which must
// be a JSON object.
func NewStatement(predicateType string, predicate []byte, subjects ...Subject) (*Statement, error) {
	if predicateType == "" {
		return nil, fmt.Errorf("statement: empty predicate type")
	}
	if len(subjects) == 0 {
		return nil, fmt.Errorf("statement: no subject")
	}
	for _, s := range subjects {
		if s.Name == "" || len(s.Digest["sha256"]) != 64 {
			return nil, fmt.Errorf("statement: subject %q needs a name and a sha256 digest", s.Name)
		}
	}
	// json.Valid and a leading '{' say "one JSON object" without building it.
	if t := bytes.TrimLeft(predicate, " \t\r\n"); len(t) == 0 || t[0] != '{' || !json.Valid(predicate) {
		return nil, fmt.Errorf("statement: predicate is not a JSON object")
	}
	return &Statement{Type: StatementType, Subject: subjects, PredicateType: predicateType, Predicate: predicate}, nil
}
