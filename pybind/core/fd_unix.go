//go:build unix

package core

import "syscall"

func dupFd(fd int) (int, error) { return syscall.Dup(fd) }
