package main

// Walks a raw JSON answer against the official Go SDK's response struct. The Go SDK generator marks a
// required field by leaving `omitempty` out of its json tag (optional fields are pointers with omitempty),
// e.g. services/ecs/v2/model/model_server_detail.go in
// https://github.com/huaweicloud/huaweicloud-sdk-go-v3. encoding/json fills a missing required field with
// its zero value without complaint, so the raw body is walked here.

import (
	"encoding/json"
	"fmt"
	"reflect"
	"strings"
)

type findings struct {
	Missing        []string `json:"missing"`
	WrongType      []string `json:"wrong_type"`
	Unknown        []string `json:"unknown"`
	AbsentOptional []string `json:"absent_optional"`
}

func newFindings() findings {
	return findings{Missing: []string{}, WrongType: []string{}, Unknown: []string{}, AbsentOptional: []string{}}
}

var unmarshaler = reflect.TypeOf((*json.Unmarshaler)(nil)).Elem()

// checkBody checks a decoded body (json.Decoder with UseNumber) against the type of an SDK response.
func checkBody(raw interface{}, response reflect.Type) findings {
	f := newFindings()
	t := deref(response)
	if list, ok := raw.([]interface{}); ok && t.Kind() == reflect.Struct {
		// An array answer fills the response's `body` field.
		for i := 0; i < t.NumField(); i++ {
			if name, _ := jsonName(t.Field(i)); name == "body" {
				walk(list, t.Field(i).Type, "$", &f)
				return f
			}
		}
	}
	walk(raw, t, "$", &f)
	return f
}

func deref(t reflect.Type) reflect.Type {
	for t.Kind() == reflect.Ptr {
		t = t.Elem()
	}
	return t
}

// jsonName returns the field's JSON key ("" when it has none) and whether it is optional (omitempty).
func jsonName(field reflect.StructField) (string, bool) {
	tag := field.Tag.Get("json")
	if tag == "" || tag == "-" || !field.IsExported() {
		return "", true
	}
	parts := strings.Split(tag, ",")
	optional := false
	for _, option := range parts[1:] {
		if option == "omitempty" {
			optional = true
		}
	}
	return parts[0], optional
}

func wrong(f *findings, path string, value interface{}, t reflect.Type) {
	f.WrongType = append(f.WrongType, fmt.Sprintf("%s: %T where the SDK has %s", path, value, t))
}

func walk(value interface{}, t reflect.Type, path string, f *findings) {
	t = deref(t)
	if t.Implements(unmarshaler) || reflect.PtrTo(t).Implements(unmarshaler) {
		// SDK enums (a struct with its own UnmarshalJSON around a string) and SDK time types.
		if _, isObject := value.(map[string]interface{}); isObject && t.Kind() != reflect.Struct {
			wrong(f, path, value, t)
		}
		return
	}
	switch t.Kind() {
	case reflect.Interface:
		return
	case reflect.String:
		if _, ok := value.(string); !ok {
			wrong(f, path, value, t)
		}
	case reflect.Bool:
		if _, ok := value.(bool); !ok {
			wrong(f, path, value, t)
		}
	case reflect.Int, reflect.Int8, reflect.Int16, reflect.Int32, reflect.Int64,
		reflect.Uint, reflect.Uint8, reflect.Uint16, reflect.Uint32, reflect.Uint64:
		number, ok := value.(json.Number)
		if _, err := number.Int64(); !ok || err != nil {
			wrong(f, path, value, t)
		}
	case reflect.Float32, reflect.Float64:
		if _, ok := value.(json.Number); !ok {
			wrong(f, path, value, t)
		}
	case reflect.Slice:
		list, ok := value.([]interface{})
		if !ok {
			wrong(f, path, value, t)
			return
		}
		for i, item := range list {
			walk(item, t.Elem(), fmt.Sprintf("%s[%d]", path, i), f)
		}
	case reflect.Map:
		object, ok := value.(map[string]interface{})
		if !ok {
			wrong(f, path, value, t)
			return
		}
		for key, item := range object {
			walk(item, t.Elem(), fmt.Sprintf("%s['%s']", path, key), f)
		}
	case reflect.Struct:
		walkStruct(value, t, path, f)
	}
}

func walkStruct(value interface{}, t reflect.Type, path string, f *findings) {
	object, ok := value.(map[string]interface{})
	if !ok {
		wrong(f, path, value, t)
		return
	}
	known := map[string]bool{}
	for i := 0; i < t.NumField(); i++ {
		name, optional := jsonName(t.Field(i))
		if name == "" {
			continue
		}
		known[name] = true
		where := path + "." + name
		item, present := object[name]
		if !present || item == nil {
			if optional {
				f.AbsentOptional = append(f.AbsentOptional, where)
			} else {
				f.Missing = append(f.Missing, where)
			}
			continue
		}
		walk(item, t.Field(i).Type, where, f)
	}
	for key := range object {
		if !known[key] {
			f.Unknown = append(f.Unknown, path+"."+key)
		}
	}
}
