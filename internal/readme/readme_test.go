package readme

import (
	"io/fs"
	"os"
	"path/filepath"
	"regexp"
	"strings"
	"testing"
)

// goBlock finds the ```go fenced blocks of a Markdown file.
var goBlock = regexp.MustCompile("(?s)```go\n(.*?)```")

// normalize trims every line and drops blank ones and comments that are
// only "// ...", so a snippet matches code indented differently.
func normalize(s string) []string {
	var out []string
	for _, l := range strings.Split(s, "\n") {
		l = strings.TrimSpace(l)
		if l == "" || l == "// ..." || l == "..." {
			continue
		}
		out = append(out, l)
	}
	return out
}

func contains(hay, needle []string) bool {
	for i := 0; i+len(needle) <= len(hay); i++ {
		match := true
		for j := range needle {
			if hay[i+j] != needle[j] {
				match = false
				break
			}
		}
		if match {
			return true
		}
	}
	return false
}

func TestReadmeSnippetsCompile(t *testing.T) {
	root := filepath.Join("..", "..")
	readme, err := os.ReadFile(filepath.Join(root, "README.md"))
	if err != nil {
		t.Fatal(err)
	}
	var sources [][]string
	err = filepath.WalkDir(root, func(path string, d fs.DirEntry, err error) error {
		if err != nil {
			return err
		}
		if d.IsDir() && (strings.HasPrefix(d.Name(), ".") && path != root || d.Name() == "testdata") {
			return filepath.SkipDir
		}
		if strings.HasSuffix(path, ".go") {
			b, err := os.ReadFile(path)
			if err != nil {
				return err
			}
			sources = append(sources, normalize(string(b)))
		}
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
	blocks := goBlock.FindAllStringSubmatch(string(readme), -1)
	if len(blocks) == 0 {
		t.Fatal("README.md has no Go snippet: nothing to check")
	}
	for _, b := range blocks {
		snippet := normalize(b[1])
		found := false
		for _, src := range sources {
			if contains(src, snippet) {
				found = true
				break
			}
		}
		if !found {
			t.Errorf("this README snippet appears in no Go file of the module, so nothing proves it compiles:\n%s", b[1])
		}
	}
}
