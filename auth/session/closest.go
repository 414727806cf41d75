package session

import "sort"

// Closest returns the candidates within a small edit distance of s, best
// first: the "did you mean" of a mistyped tenant name.
func Closest(s string, candidates []string) []string {
	type scored struct {
		name string
		d    int
	}
	var out []scored
	limit := max(2, len(s)/3)
	for _, c := range candidates {
		if d := distance(s, c); d <= limit {
			out = append(out, scored{c, d})
		}
	}
	sort.SliceStable(out, func(i, j int) bool { return out[i].d < out[j].d })
	names := make([]string, len(out))
	for i, o := range out {
		names[i] = o.name
	}
	return names
}

// distance is the Levenshtein distance of a and b.
func distance(a, b string) int {
	ra, rb := []rune(a), []rune(b)
	prev := make([]int, len(rb)+1)
	cur := make([]int, len(rb)+1)
	for j := range prev {
		prev[j] = j
	}
	for i := 1; i <= len(ra); i++ {
		cur[0] = i
		for j := 1; j <= len(rb); j++ {
			cost := 1
			if ra[i-1] == rb[j-1] {
				cost = 0
			}
			cur[j] = min(prev[j]+1, cur[j-1]+1, prev[j-1]+cost)
		}
		prev, cur = cur, prev
	}
	return prev[len(rb)]
}
