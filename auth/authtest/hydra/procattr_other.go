//go:build !linux

package hydra

import "syscall"

func dieWithParent() *syscall.SysProcAttr { return nil }
