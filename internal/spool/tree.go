package spool

import (
	"bytes"
	"fmt"
	"strings"
)

// AddrTree is the tree of non-recipients (addresses already delivered) as
// Exim keeps it: an AVL tree ordered by byte comparison, written to the
// -H file in preorder with its shape, so its shape is part of the format.
// Insert balances exactly as Exim's tree_insertnode does, so the same
// deliveries give the same file. The nil *AddrTree is the empty tree.
type AddrTree struct {
	Name        string
	Left, Right *AddrTree
	balance     int8 // -1: left subtree deeper, +1: right deeper
}

// NewAddrTree builds a tree by inserting the addresses in order.
func NewAddrTree(addresses ...string) *AddrTree {
	var t *AddrTree
	for _, a := range addresses {
		t, _ = t.Insert(a)
	}
	return t
}

// Insert adds name and returns the new root; added is false for a
// duplicate.
func (t *AddrTree) Insert(name string) (root *AddrTree, added bool) {
	root, _, added = insertNode(t, name)
	return root, added
}

func insertNode(n *AddrTree, name string) (root *AddrTree, grew, added bool) {
	if n == nil {
		return &AddrTree{Name: name}, true, true
	}
	switch c := strings.Compare(name, n.Name); {
	case c == 0:
		return n, false, false
	case c < 0:
		n.Left, grew, added = insertNode(n.Left, name)
		if grew {
			n, grew = leftGrew(n)
		}
	default:
		n.Right, grew, added = insertNode(n.Right, name)
		if grew {
			n, grew = rightGrew(n)
		}
	}
	return n, grew, added
}

// leftGrew rebalances n after its left subtree got one level deeper and
// reports whether n's own height grew.
func leftGrew(n *AddrTree) (*AddrTree, bool) {
	switch n.balance {
	case 1:
		n.balance = 0
		return n, false
	case 0:
		n.balance = -1
		return n, true
	}
	l := n.Left
	if l.balance == -1 {
		n.Left, l.Right = l.Right, n
		n.balance, l.balance = 0, 0
		return l, false
	}
	p := l.Right
	l.Right, n.Left = p.Left, p.Right
	p.Left, p.Right = l, n
	n.balance, l.balance = 0, 0
	if p.balance == -1 {
		n.balance = 1
	} else if p.balance == 1 {
		l.balance = -1
	}
	p.balance = 0
	return p, false
}

// rightGrew is leftGrew's mirror image.
func rightGrew(n *AddrTree) (*AddrTree, bool) {
	switch n.balance {
	case -1:
		n.balance = 0
		return n, false
	case 0:
		n.balance = 1
		return n, true
	}
	r := n.Right
	if r.balance == 1 {
		n.Right, r.Left = r.Left, n
		n.balance, r.balance = 0, 0
		return r, false
	}
	p := r.Left
	r.Left, n.Right = p.Right, p.Left
	p.Left, p.Right = n, r
	n.balance, r.balance = 0, 0
	if p.balance == 1 {
		n.balance = -1
	} else if p.balance == -1 {
		r.balance = 1
	}
	p.balance = 0
	return p, false
}

// Contains reports whether name is in the tree.
func (t *AddrTree) Contains(name string) bool {
	for t != nil {
		c := strings.Compare(name, t.Name)
		if c == 0 {
			return true
		}
		if c < 0 {
			t = t.Left
		} else {
			t = t.Right
		}
	}
	return false
}

// Walk calls f for each address in order.
func (t *AddrTree) Walk(f func(name string)) {
	if t == nil {
		return
	}
	t.Left.Walk(f)
	f(t.Name)
	t.Right.Walk(f)
}

// preorder calls f for each name, node before subtrees.
func (t *AddrTree) preorder(f func(name string)) {
	if t == nil {
		return
	}
	f(t.Name)
	t.Left.preorder(f)
	t.Right.preorder(f)
}

// Addresses lists the addresses in order.
func (t *AddrTree) Addresses() []string {
	var out []string
	t.Walk(func(s string) { out = append(out, s) })
	return out
}

// write writes the tree as Exim does: "XX" when empty, otherwise each node
// in preorder as <Y|N><Y|N> name, the letters telling whether a left and a
// right subtree follow.
func (t *AddrTree) write(w *bytes.Buffer) {
	if t == nil {
		w.WriteString("XX\n")
		return
	}
	t.writeNode(w)
}

func (t *AddrTree) writeNode(w *bytes.Buffer) {
	w.WriteByte(yn(t.Left != nil))
	w.WriteByte(yn(t.Right != nil))
	w.WriteByte(' ')
	w.WriteString(t.Name)
	w.WriteByte('\n')
	if t.Left != nil {
		t.Left.writeNode(w)
	}
	if t.Right != nil {
		t.Right.writeNode(w)
	}
}

func yn(b bool) byte {
	if b {
		return 'Y'
	}
	return 'N'
}

// readTree reads a tree whose first line is first (without its newline);
// next reads the following lines. Balances are rebuilt from the depths, as
// Exim does, since the file does not record them.
func readTree(first string, next func() (string, error)) (*AddrTree, error) {
	t, err := readTreeNode(first, next)
	if err == nil {
		t.rebalance()
	}
	return t, err
}

func readTreeNode(line string, next func() (string, error)) (*AddrTree, error) {
	if len(line) < 4 || !isYN(line[0]) || !isYN(line[1]) {
		return nil, fmt.Errorf("bad non-recipients line %q", line)
	}
	n := &AddrTree{Name: line[3:]}
	for i, child := range []**AddrTree{&n.Left, &n.Right} {
		if line[i] != 'Y' {
			continue
		}
		l, err := next()
		if err != nil {
			return nil, err
		}
		if *child, err = readTreeNode(l, next); err != nil {
			return nil, err
		}
	}
	return n, nil
}

func isYN(c byte) bool { return c == 'Y' || c == 'N' }

// rebalance sets the balance fields from the subtree depths and returns
// the depth.
func (t *AddrTree) rebalance() int {
	if t == nil {
		return 0
	}
	l, r := t.Left.rebalance(), t.Right.rebalance()
	switch {
	case l > r:
		t.balance = -1
		return l + 1
	case r > l:
		t.balance = 1
		return r + 1
	}
	t.balance = 0
	return l + 1
}
