package crypteq

import "strings"

// bsdiCrypt is BSDi extended DES ("_" + 4 characters of iteration count
// + 4 of salt, both little-endian base64): every 8 more key characters
// are folded in by encrypting the key with itself, and the salt has 24
// bits.
func bsdiCrypt(key, setting string) (string, error) {
	if len(setting) < 9 {
		return "", errInvalid
	}
	count, ok1 := decode24(setting[1:5])
	salt, ok2 := decode24(setting[5:9])
	if !ok1 || !ok2 {
		return "", errInvalid
	}
	count = max(count, 1) // libxcrypt gives count 0 the result of count 1
	k := keyBlock(key)
	for rest := key[min(8, len(key)):]; rest != ""; rest = rest[min(8, len(rest)):] {
		ks := subkeys(k)
		k = encryptBlock(k, &ks, 0) ^ keyBlock(rest)
	}
	ks := subkeys(k)
	mask := saltMask(salt, 24)
	var block uint64
	for i := 0; i < count; i++ {
		block = encryptBlock(block, &ks, mask)
	}
	return setting[:9] + encode64(block), nil
}

// keyBlock packs up to 8 key characters, each shifted left one bit.
func keyBlock(key string) uint64 {
	var k uint64
	for i := 0; i < 8; i++ {
		k <<= 8
		if i < len(key) {
			k |= uint64(key[i]<<1) & 0xff
		}
	}
	return k
}

// decode24 reads 4 base64 characters, least significant first.
func decode24(s string) (int, bool) {
	v := 0
	for i := 3; i >= 0; i-- {
		d := strings.IndexByte(cryptAlphabet, s[i])
		if d < 0 {
			return 0, false
		}
		v = v<<6 | d
	}
	return v, true
}
