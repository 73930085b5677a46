# Generates random expansion strings for random_record.sh (python3 random_gen.py SEED COUNT).
import random, sys
random.seed(int(sys.argv[1]) if len(sys.argv) > 1 else 1)
ATOMS = ['\\t','\\x41','\\N}{\\N','\\$','\\\\','a','b','c','ab','a:b','a:b:c','1','2','10','-3','x y','', 'A', 'abc', '<;a;b', '1:2:3', 'a=1 b=2', '3K', ' 7 ']
VARS = ['$h_subject:','$rh_x:','${if def:value{v}{nv}}','$primary_hostname','$value','$item','$1','$0','$2','$acl_m_x','$nosuch','$qualify_domain','${primary_hostname}','$domain','$runrc']
OPS = ['lc','uc','length_2','substr_1_2','substr_-2','hash_2','nhash_5','strlen','listcount','md5','base64','eval','quote','rxquote','escape','l_1','s_1','h_3_5','nh_3_4','eval10','sha1','hex2b64','time_interval','time_eval','mask','ipv6norm','reverse_ip','base62','listnamed','expand','utf8clean','from_utf8','quote_local_part','address','domain','local_part','escape8bit','hexquote']
CONDS2 = ['eq','eqi','==','<','>','<=','>=','lt','gt','match','inlist','inlisti','le','ge','lti','gei']
def atom(d):
    r = random.random()
    if r < 0.45 or d > 3: return random.choice(ATOMS)
    if r < 0.65: return random.choice(VARS)
    return expr(d+1)
def s(d): 
    n = random.randint(1,2)
    return ''.join(atom(d) for _ in range(n))
def cond(d):
    r = random.random()
    neg = '!' if random.random() < 0.15 else ''
    if d > 3 or r < 0.5:
        c = random.choice(CONDS2)
        return neg + c + '{' + s(d) + '}{' + s(d) + '}'
    if r < 0.62:
        return neg + random.choice(['and','or']) + '{' + ''.join('{'+cond(d+1)+'}' for _ in range(random.randint(0,3))) + '}'
    if r < 0.72:
        return neg + random.choice(['forall','forany']) + '{' + s(d) + '}{' + cond(d+1) + '}'
    if r < 0.8:
        return neg + 'def:' + random.choice(['primary_hostname','domain','value','item','nosuch','acl_m_x','h_subject:'])
    if r < 0.9:
        return neg + random.choice(['bool','bool_lax']) + '{' + random.choice(['yes','no','0','1','00','-1','true','x',' ','']) + '}'
    return neg + random.choice(['isip','isip4','isip6']) + '{' + random.choice(['1.2.3.4','::1','x','1.2.3.4/8']) + '}'
def yesno(d):
    r = random.random()
    if r < 0.2: return ''
    if r < 0.5: return '{' + s(d) + '}'
    if r < 0.9: return '{' + s(d) + '}{' + s(d) + '}'
    return '{' + s(d) + '}fail'
def expr(d):
    r = random.random()
    if r < 0.3:
        return '${' + random.choice(OPS) + ':' + s(d) + '}'
    if r < 0.5:
        return '${if ' + cond(d) + yesno(d) + '}'
    if r < 0.58:
        return '${extract{' + random.choice(['1','2','-1','0','a','b','x']) + '}' + random.choice(['{:}','{= }','']) + '{' + s(d) + '}' + yesno(d) + '}'
    if r < 0.63:
        return '${listextract{' + random.choice(['1','2','-1','0']) + '}{' + s(d) + '}' + yesno(d) + '}'
    if r < 0.7:
        return '${' + random.choice(['map','filter']) + '{' + s(d) + '}{' + (s(d) if random.random()<0.5 else cond(d)) + '}}'
    if r < 0.74:
        return '${reduce{' + s(d) + '}{' + s(d) + '}{' + s(d) + '}}'
    if r < 0.78:
        return '${sort{' + s(d) + '}{' + random.choice(['<','>','lt','gti','eq','']) + '}{' + random.choice(['$item', s(d)]) + '}}'
    if r < 0.83:
        return '${sg{' + s(d) + '}{' + random.choice(['a','(b)','^','[','.','x*']) + '}{' + random.choice(['X','[$1]','$0','']) + '}}'
    if r < 0.87:
        return '${tr{' + s(d) + '}{' + s(d) + '}{' + s(d) + '}}'
    if r < 0.92:
        return '${' + random.choice(['substr','length','hash','nhash']) + '{' + random.choice(['1','2','-1','x','']) + '}' + random.choice(['{2}','']) + '{' + s(d) + '}}'
    if r < 0.95:
        return '${hmac{' + random.choice(['md5','sha1','x']) + '}{' + s(d) + '}{' + s(d) + '}}'
    return '${lookup{' + s(d) + '}' + random.choice(['lsearch','lsearch*','partial-lsearch','nosuch']) + '{DIR/aliases.lsearch}' + yesno(d) + '}'
def mutate(x):
    r = random.random()
    if r < 0.8 or len(x) < 3: return x
    i = random.randrange(len(x))
    if r < 0.9: return x[:i] + x[i+1:]
    return x[:i] + random.choice('{}$:\\') + x[i:]
out = []
while len(out) < int(sys.argv[2]) if len(sys.argv) > 2 else 2000:
    x = mutate(s(0) + expr(0))
    x = x.strip()
    if not x or x[0].isupper() or x.endswith('\\') or '\n' in x or x.startswith('#'): continue
    out.append('x' + x)
print('\n'.join(out))
