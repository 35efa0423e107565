package main

import (
	"encoding/json"
	"reflect"
	"sort"
	"strings"
	"testing"

	ecsmodel "github.com/huaweicloud/huaweicloud-sdk-go-v3/services/ecs/v2/model"
)

type testInner struct {
	Name string `json:"name"`
	Size *int32 `json:"size,omitempty"`
}

type testResponse struct {
	Items          *[]testInner `json:"items,omitempty"`
	Id             string       `json:"id"`
	HttpStatusCode int          `json:"-"`
}

func decode(t *testing.T, text string) interface{} {
	decoder := json.NewDecoder(strings.NewReader(text))
	decoder.UseNumber()
	var raw interface{}
	if err := decoder.Decode(&raw); err != nil {
		t.Fatal(err)
	}
	return raw
}

func TestCheckBodyFindsMissingMistypedAndUnknownFields(t *testing.T) {
	found := checkBody(decode(t, `{"items": [{"size": "big"}, {"name": "b"}], "extra": 1}`), reflect.TypeOf(&testResponse{}))

	sort.Strings(found.Missing)
	if !reflect.DeepEqual(found.Missing, []string{"$.id", "$.items[0].name"}) {
		t.Errorf("missing = %v", found.Missing)
	}
	if len(found.WrongType) != 1 || !strings.HasPrefix(found.WrongType[0], "$.items[0].size: string") {
		t.Errorf("wrong type = %v", found.WrongType)
	}
	if !reflect.DeepEqual(found.Unknown, []string{"$.extra"}) {
		t.Errorf("unknown = %v", found.Unknown)
	}
	if !reflect.DeepEqual(found.AbsentOptional, []string{"$.items[1].size"}) {
		t.Errorf("absent optional = %v", found.AbsentOptional)
	}
}

func TestCheckBodyWalksTheSdkServerDetail(t *testing.T) {
	found := checkBody(decode(t, `{"server": {"id": "a", "status": 3, "flavor": {"id": "s6.large.2"}}}`),
		reflect.TypeOf(&ecsmodel.ShowServerResponse{}))

	has := func(list []string, item string) bool {
		for _, value := range list {
			if value == item {
				return true
			}
		}
		return false
	}
	if !has(found.Missing, "$.server.name") || !has(found.Missing, "$.server.flavor.vcpus") || has(found.Missing, "$.server.id") {
		t.Errorf("missing = %v", found.Missing)
	}
	if has(found.Missing, "$.server.description") || !has(found.AbsentOptional, "$.server.description") {
		t.Errorf("description is optional (omitempty): missing %v", found.Missing)
	}
	if len(found.WrongType) != 1 || !strings.HasPrefix(found.WrongType[0], "$.server.status: json.Number") {
		t.Errorf("wrong type = %v", found.WrongType)
	}
}

func TestCheckBodyReadsAnArrayAnswerAsTheBodyField(t *testing.T) {
	type listResponse struct {
		Body *[]testInner `json:"body,omitempty"`
	}
	found := checkBody(decode(t, `[{"name": "a"}, {}]`), reflect.TypeOf(&listResponse{}))

	if !reflect.DeepEqual(found.Missing, []string{"$[1].name"}) {
		t.Errorf("missing = %v", found.Missing)
	}
}
