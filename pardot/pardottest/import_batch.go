package pardottest

import (
	"bufio"
	"encoding/csv"
	"io"
	"slices"
	"strconv"
	"strings"
)

// readBatch reads one batch file into imp: its size (under 10 MB), its
// header (valid field names, one match column at most, the same as the
// import's earlier files), each row against the format rules. It returns
// the message refusing the file, or "".
func (s *Server) readBatch(imp *fakeImport, part io.Reader) string {
	s.mu.Lock()
	if imp.batches >= ImportMaxBatches {
		s.mu.Unlock()
		return "an import takes at most " + strconv.Itoa(ImportMaxBatches) + " batches"
	}
	daily := s.impDailyBatches
	if daily > 0 && s.impBatchesToday >= daily {
		s.mu.Unlock()
		return "the account has used its " + strconv.Itoa(daily) + " import batches for the day"
	}
	s.mu.Unlock()
	counted := &countingReader{r: io.LimitReader(part, ImportMaxFileBytes)}
	cr := csv.NewReader(bufio.NewReaderSize(counted, 64<<10))
	cr.FieldsPerRecord = -1
	cr.ReuseRecord = true
	header, err := cr.Read()
	if err != nil {
		return "the file has no header row"
	}
	header = slices.Clone(header)
	if msg := s.checkHeader(imp, header); msg != "" {
		return msg
	}
	var (
		good    [][]string
		nGood   int
		errRows []byte
		nErr    int
	)
	keep := !s.CountOnly()
	for {
		row, err := cr.Read()
		if err == io.EOF {
			break
		}
		if err != nil {
			return "the file is not valid CSV: " + err.Error()
		}
		if counted.n >= ImportMaxFileBytes {
			return "a batch file must be smaller than 10 MB"
		}
		msg := checkImportRow(header, row)
		if msg == "" {
			msg = s.rowFault(header, row)
		}
		if msg != "" {
			errRows = appendCSVRow(errRows, append(row, msg))
			nErr++
			continue
		}
		nGood++
		if keep {
			good = append(good, slices.Clone(row))
		}
	}
	if counted.n >= ImportMaxFileBytes {
		return "a batch file must be smaller than 10 MB"
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	if imp.header == nil {
		imp.header = header
	} else if !slices.Equal(imp.header, header) {
		return "every batch of an import must have the same header"
	}
	imp.batches++
	s.impBatchesToday++
	s.impStats.Batches++
	imp.rows = append(imp.rows, good...)
	imp.good += nGood
	imp.errRows = append(imp.errRows, errRows...)
	imp.errCount += nErr
	return ""
}

// checkHeader checks a file's header: every column a v5 prospect field,
// a registered custom field or a match column, each once, and one match
// column at most.
func (s *Server) checkHeader(imp *fakeImport, header []string) string {
	s.mu.Lock()
	defer s.mu.Unlock()
	matches := 0
	seen := map[string]bool{}
	for _, col := range header {
		switch {
		case seen[col]:
			return "column " + strconv.Quote(col) + " appears twice"
		case matchColumns[col]:
			matches++
		case importColumns[col] == "" && !s.customFields[col]:
			return "column " + strconv.Quote(col) + " is not a valid prospect field name"
		}
		seen[col] = true
	}
	if matches > 1 {
		return "only one match column is permitted"
	}
	return ""
}

// rowFault returns the FailImportRow message for a row, or "".
func (s *Server) rowFault(header, row []string) string {
	s.mu.Lock()
	defer s.mu.Unlock()
	if len(s.impRowFaults) == 0 {
		return ""
	}
	for i, col := range header {
		if col == "email" || matchColumns[col] {
			if msg, ok := s.impRowFaults[strings.ToLower(row[i])]; ok && row[i] != "" {
				return msg
			}
		}
	}
	return ""
}

// countingReader counts the bytes read through it.
type countingReader struct {
	r io.Reader
	n int
}

func (c *countingReader) Read(p []byte) (int, error) {
	n, err := c.r.Read(p)
	c.n += n
	return n, err
}
