package crypteq

import "strings"

// Traditional DES crypt(3): the salt perturbs DES's expansion, a zero
// block is encrypted 25 times under the first 8 password characters.
// Written from the DES standard (FIPS 46); tables use its 1-based bit
// numbering, bit 1 being the most significant.

var ipTable = [64]byte{
	58, 50, 42, 34, 26, 18, 10, 2, 60, 52, 44, 36, 28, 20, 12, 4,
	62, 54, 46, 38, 30, 22, 14, 6, 64, 56, 48, 40, 32, 24, 16, 8,
	57, 49, 41, 33, 25, 17, 9, 1, 59, 51, 43, 35, 27, 19, 11, 3,
	61, 53, 45, 37, 29, 21, 13, 5, 63, 55, 47, 39, 31, 23, 15, 7,
}

var expansion = [48]byte{
	32, 1, 2, 3, 4, 5, 4, 5, 6, 7, 8, 9, 8, 9, 10, 11, 12, 13, 12, 13, 14, 15, 16, 17,
	16, 17, 18, 19, 20, 21, 20, 21, 22, 23, 24, 25, 24, 25, 26, 27, 28, 29, 28, 29, 30, 31, 32, 1,
}

var pTable = [32]byte{
	16, 7, 20, 21, 29, 12, 28, 17, 1, 15, 23, 26, 5, 18, 31, 10,
	2, 8, 24, 14, 32, 27, 3, 9, 19, 13, 30, 6, 22, 11, 4, 25,
}

var pc1 = [56]byte{
	57, 49, 41, 33, 25, 17, 9, 1, 58, 50, 42, 34, 26, 18,
	10, 2, 59, 51, 43, 35, 27, 19, 11, 3, 60, 52, 44, 36,
	63, 55, 47, 39, 31, 23, 15, 7, 62, 54, 46, 38, 30, 22,
	14, 6, 61, 53, 45, 37, 29, 21, 13, 5, 28, 20, 12, 4,
}

var pc2 = [48]byte{
	14, 17, 11, 24, 1, 5, 3, 28, 15, 6, 21, 10, 23, 19, 12, 4, 26, 8, 16, 7, 27, 20, 13, 2,
	41, 52, 31, 37, 47, 55, 30, 40, 51, 45, 33, 48, 44, 49, 39, 56, 34, 53, 46, 42, 50, 36, 29, 32,
}

var keyShifts = [16]byte{1, 1, 2, 2, 2, 2, 2, 2, 1, 2, 2, 2, 2, 2, 2, 1}

var sBoxes = [8][64]byte{
	{14, 4, 13, 1, 2, 15, 11, 8, 3, 10, 6, 12, 5, 9, 0, 7, 0, 15, 7, 4, 14, 2, 13, 1, 10, 6, 12, 11, 9, 5, 3, 8,
		4, 1, 14, 8, 13, 6, 2, 11, 15, 12, 9, 7, 3, 10, 5, 0, 15, 12, 8, 2, 4, 9, 1, 7, 5, 11, 3, 14, 10, 0, 6, 13},
	{15, 1, 8, 14, 6, 11, 3, 4, 9, 7, 2, 13, 12, 0, 5, 10, 3, 13, 4, 7, 15, 2, 8, 14, 12, 0, 1, 10, 6, 9, 11, 5,
		0, 14, 7, 11, 10, 4, 13, 1, 5, 8, 12, 6, 9, 3, 2, 15, 13, 8, 10, 1, 3, 15, 4, 2, 11, 6, 7, 12, 0, 5, 14, 9},
	{10, 0, 9, 14, 6, 3, 15, 5, 1, 13, 12, 7, 11, 4, 2, 8, 13, 7, 0, 9, 3, 4, 6, 10, 2, 8, 5, 14, 12, 11, 15, 1,
		13, 6, 4, 9, 8, 15, 3, 0, 11, 1, 2, 12, 5, 10, 14, 7, 1, 10, 13, 0, 6, 9, 8, 7, 4, 15, 14, 3, 11, 5, 2, 12},
	{7, 13, 14, 3, 0, 6, 9, 10, 1, 2, 8, 5, 11, 12, 4, 15, 13, 8, 11, 5, 6, 15, 0, 3, 4, 7, 2, 12, 1, 10, 14, 9,
		10, 6, 9, 0, 12, 11, 7, 13, 15, 1, 3, 14, 5, 2, 8, 4, 3, 15, 0, 6, 10, 1, 13, 8, 9, 4, 5, 11, 12, 7, 2, 14},
	{2, 12, 4, 1, 7, 10, 11, 6, 8, 5, 3, 15, 13, 0, 14, 9, 14, 11, 2, 12, 4, 7, 13, 1, 5, 0, 15, 10, 3, 9, 8, 6,
		4, 2, 1, 11, 10, 13, 7, 8, 15, 9, 12, 5, 6, 3, 0, 14, 11, 8, 12, 7, 1, 14, 2, 13, 6, 15, 0, 9, 10, 4, 5, 3},
	{12, 1, 10, 15, 9, 2, 6, 8, 0, 13, 3, 4, 14, 7, 5, 11, 10, 15, 4, 2, 7, 12, 9, 5, 6, 1, 13, 14, 0, 11, 3, 8,
		9, 14, 15, 5, 2, 8, 12, 3, 7, 0, 4, 10, 1, 13, 11, 6, 4, 3, 2, 12, 9, 5, 15, 10, 11, 14, 1, 7, 6, 0, 8, 13},
	{4, 11, 2, 14, 15, 0, 8, 13, 3, 12, 9, 7, 5, 10, 6, 1, 13, 0, 11, 7, 4, 9, 1, 10, 14, 3, 5, 12, 2, 15, 8, 6,
		1, 4, 11, 13, 12, 3, 7, 14, 10, 15, 6, 8, 0, 5, 9, 2, 6, 11, 13, 8, 1, 4, 10, 7, 9, 5, 0, 15, 14, 2, 3, 12},
	{13, 2, 8, 4, 6, 15, 11, 1, 10, 9, 3, 14, 5, 0, 12, 7, 1, 15, 13, 8, 10, 3, 7, 4, 12, 5, 6, 11, 0, 14, 9, 2,
		7, 11, 4, 1, 9, 12, 14, 2, 0, 6, 10, 13, 15, 3, 5, 8, 2, 1, 14, 7, 4, 10, 8, 13, 15, 12, 9, 0, 3, 5, 6, 11},
}

// permute picks bits of in (inBits wide) in the order table gives.
func permute(in uint64, inBits int, table []byte) uint64 {
	var out uint64
	for _, pos := range table {
		out = out<<1 | in>>(inBits-int(pos))&1
	}
	return out
}

// subkeys derives the 16 48-bit round keys.
func subkeys(key uint64) [16]uint64 {
	cd := permute(key, 64, pc1[:])
	c, d := cd>>28, cd&0xfffffff
	var ks [16]uint64
	for i, n := range keyShifts {
		c = (c<<n | c>>(28-n)) & 0xfffffff
		d = (d<<n | d>>(28-n)) & 0xfffffff
		ks[i] = permute(c<<28|d, 56, pc2[:])
	}
	return ks
}

// feistel is DES's f function; saltMask swaps expansion bits i and i+24
// for each salt bit, which is what makes crypt differ from DES.
func feistel(r uint32, k, saltMask uint64) uint32 {
	e := permute(uint64(r), 32, expansion[:])
	swap := (e>>24 ^ e) & saltMask
	e ^= swap | swap<<24
	e ^= k
	var out uint32
	for i := 0; i < 8; i++ {
		six := byte(e >> (42 - 6*i) & 0x3f)
		row := six>>4&2 | six&1
		out = out<<4 | uint32(sBoxes[i][row<<4|six>>1&0xf])
	}
	return uint32(permute(uint64(out), 32, pTable[:]))
}

// encryptBlock is one DES encryption with the salt's perturbation.
func encryptBlock(block uint64, ks *[16]uint64, saltMask uint64) uint64 {
	b := permute(block, 64, ipTable[:])
	l, r := uint32(b>>32), uint32(b)
	for i := 0; i < 16; i++ {
		l, r = r, l^feistel(r, ks[i], saltMask)
	}
	return permute(uint64(r)<<32|uint64(l), 64, fpTable[:])
}

// fpTable is the inverse of the initial permutation.
var fpTable = func() [64]byte {
	var fp [64]byte
	for i, pos := range ipTable {
		fp[pos-1] = byte(i + 1)
	}
	return fp
}()

const cryptAlphabet = "./0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz"

// saltMaskOf turns two salt characters into the 24-bit swap mask: salt
// bit i (low bits from the first character) acts on expansion bit i
// counted from the most significant end of the 24-bit half.
func saltMaskOf(a, b byte) (uint64, bool) {
	i, j := strings.IndexByte(cryptAlphabet, a), strings.IndexByte(cryptAlphabet, b)
	if i < 0 || j < 0 {
		return 0, false
	}
	return saltMask(i|j<<6, 12), true
}

// saltMask maps salt bit i to expansion bit 23-i.
func saltMask(salt, bits int) uint64 {
	var mask uint64
	for bit := 0; bit < bits; bit++ {
		if salt>>bit&1 != 0 {
			mask |= 1 << (23 - bit)
		}
	}
	return mask
}

// desCrypt is traditional crypt(3): 2 salt characters and 11 of hash.
func desCrypt(key, setting string) (string, error) {
	if len(setting) < 2 {
		return "", errInvalid
	}
	mask, ok := saltMaskOf(setting[0], setting[1])
	if !ok {
		return "", errInvalid
	}
	ks := subkeys(keyBlock(key))
	var block uint64
	for i := 0; i < 25; i++ {
		block = encryptBlock(block, &ks, mask)
	}
	return setting[:2] + encode64(block), nil
}

// encode64 writes 64 bits as 11 characters, 6 bits each from the top.
func encode64(v uint64) string {
	var b [11]byte
	for i := 0; i < 10; i++ {
		b[i] = cryptAlphabet[v>>(58-6*i)&0x3f]
	}
	b[10] = cryptAlphabet[v<<2&0x3f]
	return string(b[:])
}
