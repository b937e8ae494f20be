//go:build !unix

package core

import "errors"

func dupFd(int) (int, error) {
	return -1, errors.New("wirelab: server.socket needs a Unix system")
}
