//go:build !unix

package verify

// openNonBlock is 0 where FIFOs cannot be planted in a directory.
const openNonBlock = 0
