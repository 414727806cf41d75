package auth

import (
	"bufio"
	"io"
	"strings"
	"sync"
)

// maxPasteLine bounds one pasted line; a longer one is refused whole.
const maxPasteLine = 16 << 10

// readPastes calls each with every non-blank line of r until each returns
// false or r ends. A line over maxPasteLine is passed on as long, without
// its text.
func readPastes(r io.Reader, each func(line string, long bool) bool) {
	br := bufio.NewReaderSize(r, 4096)
	for {
		line, long, err := readBoundedLine(br)
		if (line != "" || long) && !each(line, long) {
			return
		}
		if err != nil {
			return
		}
	}
}

// readBoundedLine reads up to '\n', keeping at most maxPasteLine bytes.
func readBoundedLine(br *bufio.Reader) (string, bool, error) {
	var b strings.Builder
	long := false
	for {
		chunk, err := br.ReadSlice('\n')
		if b.Len()+len(chunk) > maxPasteLine {
			long = true
		} else {
			b.Write(chunk)
		}
		if err == bufio.ErrBufferFull {
			continue
		}
		if long {
			return "", true, err
		}
		return strings.TrimSpace(b.String()), false, err
	}
}

// progress hands steps to the front end one at a time, from the sign-in
// and from the paste reader, and drops them once Login has returned.
type progress struct {
	mu   sync.Mutex
	f    func(Step)
	done bool
}

func newProgress(f func(Step)) *progress { return &progress{f: f} }

func (p *progress) send(s Step) {
	p.mu.Lock()
	defer p.mu.Unlock()
	if !p.done && p.f != nil {
		p.f(s)
	}
}

func (p *progress) stop() {
	p.mu.Lock()
	p.done = true
	p.mu.Unlock()
}

func (p *progress) stopped() bool {
	p.mu.Lock()
	defer p.mu.Unlock()
	return p.done
}
