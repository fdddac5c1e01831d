// Package codec holds the JSON and XML helpers crmbatch's vendors share:
// tolerant scalar types for values a vendor sends sometimes as a string and
// sometimes as a number ([String], [Int]), a list that arrives as one object
// or an array ([OneOrMany]), and a map that keeps its keys in document order
// ([OrderedMap]), for request bodies keyed by identifier that must encode
// byte for byte, and a string map whose XML form is one named element per
// entry in sorted key order ([StringMap]).
package codec
