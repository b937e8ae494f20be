package httpcore

import "syscall"

const syscallEMFILE = syscall.EMFILE
