package party

import "reflect"

// SameProvince says whether a and b name one province as a merge compares
// them (ignoring case, diacritics, punctuation and the prefixes "Tỉnh",
// "Thành phố" and "TP.", and an old name's aliases): "TP.HCM" is "Hồ Chí
// Minh", while "Hà Giang" is not "Tuyên Quang", which covers it since
// 2025. Two blanks are one; a blank and a name are not.
func SameProvince(a, b string) bool {
	return provinceOnly(a) == provinceOnly(b)
}

// SameFieldValue says whether a and b are one custom field value: both
// empty, or equal once normalised as a merge compares them (text composed
// and trimmed, numbers as numbers whatever their Go type).
func SameFieldValue(a, b any) bool {
	return reflect.DeepEqual(fieldValue(a), fieldValue(b))
}
