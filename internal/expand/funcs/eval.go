package funcs

import (
	"fmt"
	"math"
	"strconv"
)

// EvalError is a failure of ${eval:} or ${eval10:}. Error() gives Exim's
// complete message, e.g.
// `error in expression evaluation: divide by zero (after processing "1/0")`.
type EvalError struct {
	Reason    string // e.g. "expecting closing parenthesis"
	Processed string // the part of the expression read before the failure
}

func (e *EvalError) Error() string {
	return fmt.Sprintf("error in expression evaluation: %s (after processing \"%s\")",
		e.Reason, e.Processed)
}

// Eval is ${eval:} (decimal=false) and ${eval10:} (decimal=true): 64-bit
// signed arithmetic with + - * / % & | ^ ~ << >> and parentheses, numbers
// with optional K, M or G suffix, and (for eval) 0x hex and 0 octal.
// Overflow wraps, except for the sum and difference checks Exim makes.
func Eval(expr string, decimal bool) (string, error) {
	p := &evaluator{s: expr, decimal: decimal}
	n := p.expr(false)
	if p.err != "" {
		return "", &EvalError{Reason: p.err, Processed: expr[:p.pos]}
	}
	return strconv.FormatInt(n, 10), nil
}

// evaluator follows the shape of Exim's recursive functions so that the
// position reported on failure is the same as Exim's.
type evaluator struct {
	s       string
	pos     int
	decimal bool
	err     string
}

const halfMax = math.MaxInt64 / 2

func (p *evaluator) peek() byte {
	if p.pos < len(p.s) {
		return p.s[p.pos]
	}
	return 0
}

func (p *evaluator) skipSpace() {
	for p.pos < len(p.s) && isSpace(p.s[p.pos]) {
		p.pos++
	}
}

func (p *evaluator) expr(inParens bool) int64 {
	x := p.or()
	if p.err != "" {
		return x
	}
	if inParens {
		if p.peek() != ')' {
			p.err = "expecting closing parenthesis"
			return x
		}
		p.pos++
		p.skipSpace()
	} else if p.pos < len(p.s) {
		p.err = "expecting operator"
	}
	return x
}

func (p *evaluator) or() int64 {
	x := p.xor()
	for p.err == "" && p.peek() == '|' {
		p.pos++
		y := p.xor()
		if p.err != "" {
			break
		}
		x |= y
	}
	return x
}

func (p *evaluator) xor() int64 {
	x := p.and()
	for p.err == "" && p.peek() == '^' {
		p.pos++
		y := p.and()
		if p.err != "" {
			break
		}
		x ^= y
	}
	return x
}

func (p *evaluator) and() int64 {
	x := p.shift()
	for p.err == "" && p.peek() == '&' {
		p.pos++
		y := p.shift()
		if p.err != "" {
			break
		}
		x &= y
	}
	return x
}

// shift uses the count modulo 64, as the x86-64 instructions Exim's C
// compiles to do.
func (p *evaluator) shift() int64 {
	x := p.sum()
	for p.err == "" {
		c := p.peek()
		if (c != '<' && c != '>') || p.pos+1 >= len(p.s) || p.s[p.pos+1] != c {
			break
		}
		p.pos += 2
		y := p.sum()
		if p.err != "" {
			break
		}
		if c == '<' {
			x <<= uint64(y) & 63
		} else {
			x >>= uint64(y) & 63
		}
	}
	return x
}

// sum keeps Exim 4.96's (over-cautious, and partly mistaken) overflow
// test: it looks at x twice for the positive case.
func (p *evaluator) sum() int64 {
	x := p.mult()
	for p.err == "" {
		op := p.peek()
		if op != '+' && op != '-' {
			break
		}
		p.pos++
		y := p.mult()
		if p.err != "" {
			break
		}
		if x >= halfMax || (x <= -halfMax && y <= -halfMax) {
			if op == '+' {
				p.err = "overflow in sum"
			} else {
				p.err = "overflow in difference"
			}
			break
		}
		if op == '+' {
			x += y
		} else {
			x -= y
		}
	}
	return x
}

func (p *evaluator) mult() int64 {
	x := p.unary()
	for p.err == "" {
		op := p.peek()
		if op != '*' && op != '/' && op != '%' {
			break
		}
		p.pos++
		y := p.unary()
		if p.err != "" {
			break
		}
		x = p.multOp(op, x, y)
	}
	return x
}

func (p *evaluator) multOp(op byte, x, y int64) int64 {
	switch {
	case op == '*':
		return x * y
	case y == -1 && x == math.MinInt64:
		return math.MaxInt64 // Exim's coercion of the one trapping case
	case y == 0:
		if op == '/' {
			p.err = "divide by zero"
		} else {
			p.err = "modulo by zero"
		}
		return 0
	case op == '/':
		return x / y
	default:
		return x % y
	}
}

func (p *evaluator) unary() int64 {
	p.skipSpace()
	switch op := p.peek(); op {
	case '+', '-', '~':
		p.pos++
		x := p.unary()
		if op == '-' {
			return -x
		}
		if op == '~' {
			return ^x
		}
		return x
	}
	return p.number()
}

func (p *evaluator) number() int64 {
	p.skipSpace()
	c := p.peek()
	if c == '(' {
		p.pos++
		return p.expr(true)
	}
	if !isDigit(c) {
		p.err = "expecting number or opening parenthesis"
		return 0
	}
	n := p.scanInt()
	switch p.peek() | 0x20 {
	case 'k':
		n *= 1024
		p.pos++
	case 'm':
		n *= 1024 * 1024
		p.pos++
	case 'g':
		n *= 1024 * 1024 * 1024
		p.pos++
	}
	p.skipSpace()
	return n
}

// scanInt reads an unsigned number as glibc's sscanf("%lld") or, for
// eval, sscanf("%lli") does: base from the prefix, "0x" consumed even
// without hex digits after it, saturation at the maximum on overflow.
func (p *evaluator) scanInt() int64 {
	base := 10
	if !p.decimal && p.peek() == '0' {
		base = 8
		p.pos++
		if c := p.peek(); c == 'x' || c == 'X' {
			base = 16
			p.pos++
		}
	}
	var n uint64
	saturated := false
	for ; p.pos < len(p.s); p.pos++ {
		d := digitValue(p.s[p.pos])
		if d >= base {
			break
		}
		if n > (math.MaxInt64-uint64(d))/uint64(base) {
			saturated = true
		}
		n = n*uint64(base) + uint64(d)
	}
	if saturated {
		return math.MaxInt64
	}
	return int64(n)
}

func digitValue(c byte) int {
	switch {
	case isDigit(c):
		return int(c - '0')
	case c >= 'a' && c <= 'z':
		return int(c-'a') + 10
	case c >= 'A' && c <= 'Z':
		return int(c-'A') + 10
	}
	return 99
}
