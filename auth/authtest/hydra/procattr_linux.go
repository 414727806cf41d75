package hydra

import "syscall"

// dieWithParent kills Hydra when the test binary dies, however it dies.
func dieWithParent() *syscall.SysProcAttr {
	return &syscall.SysProcAttr{Pdeathsig: syscall.SIGKILL}
}
