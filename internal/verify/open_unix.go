//go:build unix

package verify

import "syscall"

// openNonBlock keeps opening a FIFO from blocking until a writer comes.
const openNonBlock = syscall.O_NONBLOCK
