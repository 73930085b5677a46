package expand

// Registries let other packages add items, operators, conditions and
// variables without editing the engine. Register from init functions:
// the maps are read without locking once expansion starts.

type registeredItem struct {
	min, max int
	fn       func(c *Context, args []string) (string, error)
}

type registeredCond struct {
	nargs int
	fn    func(c *Context, args []string) (bool, error)
}

var (
	itemRegistry = map[string]registeredItem{}
	opRegistry   = map[string]func(c *Context, arg string) (string, error){}
	condRegistry = map[string]registeredCond{}
	varRegistry  = map[string]func(*Context) (string, bool, bool){}
)

// RegisterItem adds ${name{arg1}...{argN}} taking nargsMin..nargsMax
// braced arguments, which are expanded before fn is called. The result
// is tainted when any argument was. A registered name takes precedence
// over a built-in item of the same name.
func RegisterItem(name string, nargsMin, nargsMax int, fn func(c *Context, args []string) (string, error)) {
	itemRegistry[name] = registeredItem{nargsMin, nargsMax, fn}
}

// RegisterOperator adds ${name:string}; the result keeps the argument's taint.
func RegisterOperator(name string, fn func(c *Context, arg string) (string, error)) {
	opRegistry[name] = fn
}

// RegisterCondition adds a condition taking nargs braced, expanded
// arguments: ${if name{a}{b}...}.
func RegisterCondition(name string, nargs int, fn func(c *Context, args []string) (bool, error)) {
	condRegistry[name] = registeredCond{nargs, fn}
}

// RegisterVar adds a process-wide variable. Context.Vars is consulted
// first; fn's ok=false falls through to Exim's default for the name.
func RegisterVar(name string, fn func(*Context) (value string, tainted bool, ok bool)) {
	varRegistry[name] = fn
}
