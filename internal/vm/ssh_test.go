package vm

import (
	"context"
	"crypto/ed25519"
	"crypto/rand"
	"encoding/binary"
	"fmt"
	"net"
	"strings"
	"sync"
	"testing"
	"time"

	"golang.org/x/crypto/ssh"
)

// fakeGuest is an in-process SSH server that answers the few commands the
// tests send, as a booted guest would, and can "reboot": go away for a
// moment and come back with another boot ID.
type fakeGuest struct {
	t      *testing.T
	config *ssh.ServerConfig
	ln     net.Listener
	mu     sync.Mutex
	bootID string
	boots  int
}

func newFakeGuest(t *testing.T, user string, key ssh.PublicKey) (*fakeGuest, int) {
	t.Helper()
	_, hostPriv, _ := ed25519.GenerateKey(rand.Reader)
	hostKey, err := ssh.NewSignerFromKey(hostPriv)
	if err != nil {
		t.Fatal(err)
	}
	g := &fakeGuest{t: t, bootID: "00000000-0000-4000-8000-000000000001", boots: 1}
	g.config = &ssh.ServerConfig{PublicKeyCallback: func(c ssh.ConnMetadata, k ssh.PublicKey) (*ssh.Permissions, error) {
		if c.User() == user && string(k.Marshal()) == string(key.Marshal()) {
			return nil, nil
		}
		return nil, fmt.Errorf("key refused")
	}}
	g.config.AddHostKey(hostKey)
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	g.ln = ln
	go g.serve(ln)
	t.Cleanup(func() { g.mu.Lock(); g.ln.Close(); g.mu.Unlock() })
	return g, ln.Addr().(*net.TCPAddr).Port
}

func (g *fakeGuest) serve(ln net.Listener) {
	for {
		c, err := ln.Accept()
		if err != nil {
			return
		}
		go g.handle(c)
	}
}

func (g *fakeGuest) handle(c net.Conn) {
	defer c.Close()
	_, chans, reqs, err := ssh.NewServerConn(c, g.config)
	if err != nil {
		return
	}
	go ssh.DiscardRequests(reqs)
	for nc := range chans {
		ch, reqs, err := nc.Accept()
		if err != nil {
			return
		}
		for r := range reqs {
			if r.Type != "exec" {
				_ = r.Reply(false, nil)
				continue
			}
			_ = r.Reply(true, nil)
			cmd := string(r.Payload[4:])
			status := g.exec(ch, cmd)
			if status >= 0 {
				b := make([]byte, 4)
				binary.BigEndian.PutUint32(b, uint32(status))
				_, _ = ch.SendRequest("exit-status", false, b)
			}
			ch.Close()
			break
		}
	}
}

// exec runs cmd and returns its exit status, or -1 for none.
func (g *fakeGuest) exec(ch ssh.Channel, cmd string) int {
	switch cmd {
	case "id -un":
		fmt.Fprintln(ch, "tester")
		return 0
	case "exit 3":
		fmt.Fprintln(ch.Stderr(), "failing on purpose")
		return 3
	case "flood":
		chunk := []byte(strings.Repeat("x", 64<<10))
		for i := 0; i < 20; i++ { // 1.25 MiB
			_, _ = ch.Write(chunk)
		}
		return 0
	case "cat /proc/sys/kernel/random/boot_id":
		g.mu.Lock()
		defer g.mu.Unlock()
		fmt.Fprintln(ch, g.bootID)
		return 0
	case "sudo -n systemctl reboot":
		go g.reboot()
		return -1 // the connection drops before a status
	}
	fmt.Fprintf(ch.Stderr(), "sh: %s: not found\n", cmd)
	return 127
}

// reboot closes the listener, waits, and listens again on the same port
// with a new boot ID.
func (g *fakeGuest) reboot() {
	g.mu.Lock()
	addr := g.ln.Addr().String()
	g.ln.Close()
	g.mu.Unlock()
	time.Sleep(3 * time.Second)
	ln, err := net.Listen("tcp", addr)
	if err != nil {
		g.t.Errorf("fake guest: listen again: %v", err)
		return
	}
	g.mu.Lock()
	g.boots++
	g.bootID = fmt.Sprintf("00000000-0000-4000-8000-%012d", g.boots)
	g.ln = ln
	g.mu.Unlock()
	go g.serve(ln)
}

// fakeGuestVM is a VM whose QEMU is a sleeping fake and whose SSH is a
// fakeGuest.
func fakeGuestVM(t *testing.T) *VM {
	t.Helper()
	disk := fakeQEMU(t)
	v, err := Boot(context.Background(), Options{Disk: disk, Accel: "tcg"})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { v.Close() })
	_, port := newFakeGuest(t, v.User, v.seed.signer.PublicKey())
	v.Port = port
	return v
}

func TestRun(t *testing.T) {
	v := fakeGuestVM(t)
	ctx := context.Background()
	if took, err := v.WaitSSH(ctx); err != nil || took <= 0 {
		t.Fatalf("WaitSSH = %v, %v", took, err)
	}
	tests := []struct {
		cmd, stdout, stderr string
		exit                int
	}{
		{"id -un", "tester\n", "", 0},
		{"exit 3", "", "failing on purpose\n", 3},
		{"nope", "", "sh: nope: not found\n", 127},
	}
	for _, tc := range tests {
		out, errOut, exit, err := v.Run(ctx, tc.cmd)
		if err != nil || out != tc.stdout || errOut != tc.stderr || exit != tc.exit {
			t.Errorf("Run(%q) = %q, %q, %d, %v; want %q, %q, %d", tc.cmd, out, errOut, exit, err, tc.stdout, tc.stderr, tc.exit)
		}
	}
	out, _, _, err := v.Run(ctx, "flood")
	if err != nil || len(out) > RunOutputMax+100 || !strings.HasSuffix(out, fmt.Sprintf("[output cut at %d bytes]", RunOutputMax)) {
		t.Errorf("flood: %d bytes, %v; want it cut at %d", len(out), err, RunOutputMax)
	}
}

func TestRunRefusesOtherKeys(t *testing.T) {
	v := fakeGuestVM(t)
	pub, _, _ := ed25519.GenerateKey(rand.Reader)
	other, err := ssh.NewPublicKey(pub)
	if err != nil {
		t.Fatal(err)
	}
	_, port := newFakeGuest(t, v.User, other)
	v.Port = port
	ctx, cancel := context.WithTimeout(context.Background(), 3*time.Second)
	defer cancel()
	if _, err := v.WaitSSH(ctx); err == nil || !strings.Contains(err.Error(), "unable to authenticate") {
		t.Errorf("WaitSSH with a refused key: %v", err)
	}
}

func TestReboot(t *testing.T) {
	v := fakeGuestVM(t)
	ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
	defer cancel()
	before, after, err := v.Reboot(ctx)
	if err != nil {
		t.Fatal(err)
	}
	if before != "00000000-0000-4000-8000-000000000001" || after != "00000000-0000-4000-8000-000000000002" {
		t.Errorf("Reboot = %q, %q", before, after)
	}
}
