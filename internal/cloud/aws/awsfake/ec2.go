package awsfake

import (
	"encoding/xml"
	"fmt"
	"net/http"
	"net/http/httptest"
	"regexp"
	"sort"
	"strings"
	"sync"
	"time"
)

// Image is an AMI as the fake EC2 holds it.
type Image struct {
	ImageID, OwnerID, Name, CreationDate, Architecture, BootMode string
	RootDeviceName, VirtualizationType                           string
	SourceImageID, SourceImageRegion                             string
	// Snapshots maps device names to snapshot IDs.
	Snapshots map[string]string
	Tags      map[string]string
}

// Call is one request a fake served.
type Call struct {
	Action, Region string
	Params         map[string]string
}

// EC2 is a fake EC2 Query API endpoint: DescribeImages and CreateTags.
type EC2 struct {
	srv *httptest.Server

	mu       sync.Mutex
	images   map[string]map[string]*Image // region -> id -> image
	calls    []Call
	throttle map[string]int    // region/action -> calls left to throttle
	fail     map[string]string // region/action -> error code
	failTags map[string]string // region -> tag key prefix CreateTags refuses
	// Latency is added to every request.
	Latency time.Duration
}

// NewEC2 starts a fake EC2 endpoint; Close stops it.
func NewEC2() *EC2 {
	f := &EC2{images: map[string]map[string]*Image{}, throttle: map[string]int{}, fail: map[string]string{}, failTags: map[string]string{}}
	f.srv = httptest.NewServer(http.HandlerFunc(f.serve))
	return f
}

func (f *EC2) URL() string { return f.srv.URL }
func (f *EC2) Close()      { f.srv.Close() }

// AddImage adds img in region.
func (f *EC2) AddImage(region string, img Image) {
	f.mu.Lock()
	defer f.mu.Unlock()
	if f.images[region] == nil {
		f.images[region] = map[string]*Image{}
	}
	if img.Tags == nil {
		img.Tags = map[string]string{}
	}
	f.images[region][img.ImageID] = &img
}

// Tags returns the current tags of an image.
func (f *EC2) Tags(region, id string) map[string]string {
	f.mu.Lock()
	defer f.mu.Unlock()
	out := map[string]string{}
	if img := f.images[region][id]; img != nil {
		for k, v := range img.Tags {
			out[k] = v
		}
	}
	return out
}

// Throttle makes the next n calls of action in region fail with
// RequestLimitExceeded.
func (f *EC2) Throttle(region, action string, n int) {
	f.mu.Lock()
	defer f.mu.Unlock()
	f.throttle[region+"/"+action] = n
}

// Fail makes every call of action in region fail with code (HTTP 403).
func (f *EC2) Fail(region, action, code string) {
	f.mu.Lock()
	defer f.mu.Unlock()
	f.fail[region+"/"+action] = code
}

// FailTags makes CreateTags in region fail (UnauthorizedOperation) when a
// tag key starts with prefix, as an IAM condition on tag keys would.
func (f *EC2) FailTags(region, prefix string) {
	f.mu.Lock()
	defer f.mu.Unlock()
	f.failTags[region] = prefix
}

// Calls returns the calls served so far.
func (f *EC2) Calls() []Call {
	f.mu.Lock()
	defer f.mu.Unlock()
	return append([]Call(nil), f.calls...)
}

var credentialScope = regexp.MustCompile(`Credential=[^/]+/[0-9]+/([a-z0-9-]+)/([a-z0-9-]+)/aws4_request`)

// regionOf reads the region from the SigV4 credential scope.
func regionOf(r *http.Request) string {
	if m := credentialScope.FindStringSubmatch(r.Header.Get("Authorization")); m != nil {
		return m[1]
	}
	return ""
}

func (f *EC2) serve(w http.ResponseWriter, r *http.Request) {
	if err := r.ParseForm(); err != nil {
		ec2Error(w, http.StatusBadRequest, "MalformedQueryString", err.Error())
		return
	}
	time.Sleep(f.Latency)
	action, region := r.Form.Get("Action"), regionOf(r)
	params := map[string]string{}
	for k, v := range r.Form {
		params[k] = v[0]
	}
	f.mu.Lock()
	f.calls = append(f.calls, Call{Action: action, Region: region, Params: params})
	key := region + "/" + action
	if code := f.fail[key]; code != "" {
		f.mu.Unlock()
		ec2Error(w, http.StatusForbidden, code, "You are not authorized to perform this operation.")
		return
	}
	if f.throttle[key] > 0 {
		f.throttle[key]--
		f.mu.Unlock()
		ec2Error(w, http.StatusServiceUnavailable, "RequestLimitExceeded", "Request limit exceeded.")
		return
	}
	defer f.mu.Unlock()
	switch action {
	case "DescribeImages":
		f.describeImages(w, region, indexed(r.Form, "ImageId"))
	case "CreateTags":
		if p := f.failTags[region]; p != "" {
			for _, k := range indexedTagKeys(r) {
				if strings.HasPrefix(k, p) {
					ec2Error(w, http.StatusForbidden, "UnauthorizedOperation", "You are not authorized to perform this operation.")
					return
				}
			}
		}
		f.createTags(w, region, r)
	case "DeleteTags":
		for _, id := range indexed(r.Form, "ResourceId") {
			if img := f.images[region][id]; img != nil {
				for _, k := range indexedTagKeys(r) {
					delete(img.Tags, k)
				}
			}
		}
		writeXML(w, struct {
			XMLName   xml.Name `xml:"DeleteTagsResponse"`
			RequestID string   `xml:"requestId"`
			Return    bool     `xml:"return"`
		}{RequestID: "fake-request", Return: true})
	default:
		ec2Error(w, http.StatusBadRequest, "InvalidAction", fmt.Sprintf("The action %s is not valid for this web service.", action))
	}
}

// indexed returns the values of NAME.1, NAME.2, ... in order.
func indexed(form map[string][]string, name string) []string {
	var out []string
	for i := 1; ; i++ {
		v, ok := form[fmt.Sprintf("%s.%d", name, i)]
		if !ok {
			return out
		}
		out = append(out, v[0])
	}
}

// indexedTagKeys returns Tag.1.Key, Tag.2.Key, ...
func indexedTagKeys(r *http.Request) []string {
	var keys []string
	for i := 1; ; i++ {
		k, ok := r.Form[fmt.Sprintf("Tag.%d.Key", i)]
		if !ok {
			return keys
		}
		keys = append(keys, k[0])
	}
}

type xmlTag struct {
	Key   string `xml:"key"`
	Value string `xml:"value"`
}

type xmlBDM struct {
	DeviceName string `xml:"deviceName"`
	SnapshotID string `xml:"ebs>snapshotId"`
}

type xmlImage struct {
	ImageID            string   `xml:"imageId"`
	ImageState         string   `xml:"imageState"`
	OwnerID            string   `xml:"imageOwnerId"`
	CreationDate       string   `xml:"creationDate"`
	Architecture       string   `xml:"architecture"`
	ImageType          string   `xml:"imageType"`
	Name               string   `xml:"name"`
	RootDeviceType     string   `xml:"rootDeviceType"`
	RootDeviceName     string   `xml:"rootDeviceName"`
	BDM                []xmlBDM `xml:"blockDeviceMapping>item"`
	VirtualizationType string   `xml:"virtualizationType"`
	BootMode           string   `xml:"bootMode,omitempty"`
	SourceImageID      string   `xml:"sourceImageId,omitempty"`
	SourceImageRegion  string   `xml:"sourceImageRegion,omitempty"`
	Tags               []xmlTag `xml:"tagSet>item"`
}

func (f *EC2) describeImages(w http.ResponseWriter, region string, ids []string) {
	type resp struct {
		XMLName   xml.Name   `xml:"DescribeImagesResponse"`
		Xmlns     string     `xml:"xmlns,attr"`
		RequestID string     `xml:"requestId"`
		Images    []xmlImage `xml:"imagesSet>item"`
	}
	out := resp{Xmlns: "http://ec2.amazonaws.com/doc/2016-11-15/", RequestID: "fake-request"}
	for _, id := range ids {
		img := f.images[region][id]
		if img == nil {
			ec2Error(w, http.StatusBadRequest, "InvalidAMIID.NotFound", fmt.Sprintf("The image id '[%s]' does not exist", id))
			return
		}
		x := xmlImage{ImageID: img.ImageID, ImageState: "available", OwnerID: img.OwnerID, CreationDate: img.CreationDate,
			Architecture: img.Architecture, ImageType: "machine", Name: img.Name, RootDeviceType: "ebs",
			RootDeviceName: img.RootDeviceName, VirtualizationType: img.VirtualizationType, BootMode: img.BootMode,
			SourceImageID: img.SourceImageID, SourceImageRegion: img.SourceImageRegion}
		devs := make([]string, 0, len(img.Snapshots))
		for d := range img.Snapshots {
			devs = append(devs, d)
		}
		// EC2 does not promise an order; the fake reverses it so callers
		// cannot depend on one.
		sort.Sort(sort.Reverse(sort.StringSlice(devs)))
		for _, d := range devs {
			x.BDM = append(x.BDM, xmlBDM{DeviceName: d, SnapshotID: img.Snapshots[d]})
		}
		for k, v := range img.Tags {
			x.Tags = append(x.Tags, xmlTag{k, v})
		}
		out.Images = append(out.Images, x)
	}
	writeXML(w, out)
}

func (f *EC2) createTags(w http.ResponseWriter, region string, r *http.Request) {
	ids := indexed(r.Form, "ResourceId")
	for _, id := range ids {
		if f.images[region][id] == nil {
			ec2Error(w, http.StatusBadRequest, "InvalidAMIID.NotFound", fmt.Sprintf("The image id '[%s]' does not exist", id))
			return
		}
	}
	for i := 1; ; i++ {
		k, ok := r.Form[fmt.Sprintf("Tag.%d.Key", i)]
		if !ok {
			break
		}
		if strings.HasPrefix(k[0], "aws:") {
			ec2Error(w, http.StatusBadRequest, "InvalidParameterValue", "Tag keys starting with 'aws:' are reserved for internal use")
			return
		}
		for _, id := range ids {
			f.images[region][id].Tags[k[0]] = r.Form.Get(fmt.Sprintf("Tag.%d.Value", i))
		}
	}
	for _, id := range ids {
		if len(f.images[region][id].Tags) > 50 {
			ec2Error(w, http.StatusBadRequest, "TagLimitExceeded", "The maximum number of Tags for a resource has been reached.")
			return
		}
	}
	writeXML(w, struct {
		XMLName   xml.Name `xml:"CreateTagsResponse"`
		RequestID string   `xml:"requestId"`
		Return    bool     `xml:"return"`
	}{RequestID: "fake-request", Return: true})
}

func writeXML(w http.ResponseWriter, v any) {
	b, err := xml.Marshal(v)
	if err != nil {
		http.Error(w, err.Error(), http.StatusInternalServerError)
		return
	}
	w.Header().Set("Content-Type", "text/xml;charset=UTF-8")
	w.Write(append([]byte(xml.Header), b...))
}

// ec2Error writes an error in EC2's Query protocol shape.
func ec2Error(w http.ResponseWriter, status int, code, msg string) {
	w.Header().Set("Content-Type", "text/xml;charset=UTF-8")
	w.WriteHeader(status)
	fmt.Fprintf(w, `<?xml version="1.0" encoding="UTF-8"?>
<Response><Errors><Error><Code>%s</Code><Message>%s</Message></Error></Errors><RequestID>fake-request</RequestID></Response>`, code, xmlEscape(msg))
}

func xmlEscape(s string) string {
	var b strings.Builder
	xml.EscapeText(&b, []byte(s))
	return b.String()
}
