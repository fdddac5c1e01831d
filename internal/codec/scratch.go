package codec

import "sync"

// scratch lends the byte buffers requests are encoded and records are
// measured in, so that a warm client allocates only each body it sends
// (the transport may still read a body after the answer, so a body is
// copied out of its scratch buffer, never lent).
var scratch = sync.Pool{New: func() any { b := make([]byte, 0, 4<<10); return &b }}

// maxScratch is the largest buffer kept for reuse: a rare huge request
// does not pin its memory.
const maxScratch = 1 << 20

// GetScratch returns an empty buffer to append to; give it back with
// PutScratch.
func GetScratch() *[]byte {
	bp := scratch.Get().(*[]byte)
	*bp = (*bp)[:0]
	return bp
}

// PutScratch gives back bp with b, the buffer last grown from *bp, unless
// it grew past 1 MiB (then it is left to the collector).
func PutScratch(bp *[]byte, b []byte) {
	if cap(b) > maxScratch {
		return
	}
	*bp = b[:0]
	scratch.Put(bp)
}
