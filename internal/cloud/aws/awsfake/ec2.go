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
	"sync/atomic"
	"time"
)

// Image is an AMI as the fake EC2 holds it.
type Image struct {
	ImageID, OwnerID, Name, Description, CreationDate, Architecture, BootMode string
	RootDeviceName, VirtualizationType, PlatformDetails                       string
	SourceImageID, SourceImageRegion                                          string
	// State defaults to "available".
	State string
	// Snapshots maps device names to snapshot IDs.
	Snapshots map[string]string
	Tags      map[string]string
}

// Call is one request a fake served.
type Call struct {
	// Action is the EC2 Action or the KMS operation.
	Action string
	// Region is the region of the request's SigV4 credential scope.
	Region string
	// ImageIDs are the EC2 image ids of the call (ImageId.N or
	// ResourceId.N).
	ImageIDs []string
	// Tags are the EC2 tags of the call (Tag.N.Key and Tag.N.Value).
	Tags map[string]string
	// Params holds every form parameter of an EC2 call, and the KeyId of a
	// KMS call.
	Params map[string]string
	// AccessKey is the access key id that signed the request.
	AccessKey string
}

// EC2 is a fake EC2 Query API endpoint: DescribeImages, CreateTags and
// DeleteTags on the images added with AddImage, per region.
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

// URL is the endpoint, for Config.EC2Endpoint.
func (f *EC2) URL() string { return f.srv.URL }

// Close stops the endpoint.
func (f *EC2) Close() { f.srv.Close() }

// AddImage adds img in region.
func (f *EC2) AddImage(region string, img Image) {
	f.mu.Lock()
	defer f.mu.Unlock()
	if f.images[region] == nil {
		f.images[region] = map[string]*Image{}
	}
	tags := map[string]string{}
	for k, v := range img.Tags {
		tags[k] = v
	}
	img.Tags = tags
	if img.State == "" {
		img.State = "available"
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

// Throttle makes the next n calls of action in region fail as EC2 throttles:
// HTTP 503 with the code RequestLimitExceeded, which the SDK retries.
func (f *EC2) Throttle(region, action string, n int) {
	f.mu.Lock()
	defer f.mu.Unlock()
	f.throttle[region+"/"+action] = n
}

// Fail makes every call of action in region fail with code (HTTP 403), an
// error the SDK does not retry, such as UnauthorizedOperation.
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

var (
	credentialScope = regexp.MustCompile(`Credential=[^/]+/[0-9]+/([a-z0-9-]+)/([a-z0-9-]+)/aws4_request`)
	credentialKey   = regexp.MustCompile(`Credential=([^/]+)/`)
)

// accessKeyOf reads the access key id from the SigV4 credential.
func accessKeyOf(r *http.Request) string {
	if m := credentialKey.FindStringSubmatch(r.Header.Get("Authorization")); m != nil {
		return m[1]
	}
	return ""
}

// regionOf reads the region from the SigV4 credential scope.
func regionOf(r *http.Request) string {
	if m := credentialScope.FindStringSubmatch(r.Header.Get("Authorization")); m != nil {
		return m[1]
	}
	return ""
}

func (f *EC2) serve(w http.ResponseWriter, r *http.Request) {
	time.Sleep(f.Latency)
	if err := r.ParseForm(); err != nil {
		ec2Error(w, http.StatusBadRequest, "MalformedQueryString", err.Error())
		return
	}
	action, region := r.Form.Get("Action"), regionOf(r)
	if region == "" {
		ec2Error(w, http.StatusUnauthorized, "AuthFailure", "AWS was not able to validate the provided access credentials")
		return
	}
	params := map[string]string{}
	for k, v := range r.Form {
		params[k] = v[0]
	}
	ids := indexed(r.Form, "ImageId")
	if action != "DescribeImages" {
		ids = indexed(r.Form, "ResourceId")
	}
	tags := map[string]string{}
	for i, k := range indexedTagKeys(r) {
		tags[k] = r.Form.Get(fmt.Sprintf("Tag.%d.Value", i+1))
	}
	f.mu.Lock()
	defer f.mu.Unlock()
	f.calls = append(f.calls, Call{Action: action, Region: region, ImageIDs: ids, Tags: tags, Params: params, AccessKey: accessKeyOf(r)})
	key := region + "/" + action
	if code := f.fail[key]; code != "" {
		ec2Error(w, http.StatusForbidden, code, "You are not authorized to perform this operation.")
		return
	}
	if f.throttle[key] > 0 {
		f.throttle[key]--
		ec2Error(w, http.StatusServiceUnavailable, "RequestLimitExceeded", "Request limit exceeded.")
		return
	}
	switch action {
	case "DescribeImages":
		f.describeImages(w, region, ids)
	case "CreateTags":
		if p := f.failTags[region]; p != "" {
			for k := range tags {
				if strings.HasPrefix(k, p) {
					ec2Error(w, http.StatusForbidden, "UnauthorizedOperation", "You are not authorized to perform this operation.")
					return
				}
			}
		}
		f.createTags(w, region, ids, indexedTagKeys(r), tags)
	case "DeleteTags":
		for _, id := range ids {
			if img := f.images[region][id]; img != nil {
				for k := range tags {
					delete(img.Tags, k)
				}
			}
		}
		writeXML(w, struct {
			XMLName   xml.Name `xml:"DeleteTagsResponse"`
			Xmlns     string   `xml:"xmlns,attr"`
			RequestID string   `xml:"requestId"`
			Return    bool     `xml:"return"`
		}{Xmlns: ec2Namespace, RequestID: requestID(), Return: true})
	case "":
		ec2Error(w, http.StatusBadRequest, "MissingAction", "The request must contain the parameter Action.")
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
	ImageLocation      string   `xml:"imageLocation"`
	ImageState         string   `xml:"imageState"`
	OwnerID            string   `xml:"imageOwnerId"`
	CreationDate       string   `xml:"creationDate,omitempty"`
	IsPublic           bool     `xml:"isPublic"`
	Architecture       string   `xml:"architecture,omitempty"`
	ImageType          string   `xml:"imageType"`
	Name               string   `xml:"name,omitempty"`
	Description        string   `xml:"description,omitempty"`
	RootDeviceType     string   `xml:"rootDeviceType"`
	RootDeviceName     string   `xml:"rootDeviceName,omitempty"`
	BDM                []xmlBDM `xml:"blockDeviceMapping>item"`
	VirtualizationType string   `xml:"virtualizationType,omitempty"`
	Tags               []xmlTag `xml:"tagSet>item"`
	Hypervisor         string   `xml:"hypervisor"`
	PlatformDetails    string   `xml:"platformDetails,omitempty"`
	BootMode           string   `xml:"bootMode,omitempty"`
	SourceImageID      string   `xml:"sourceImageId,omitempty"`
	SourceImageRegion  string   `xml:"sourceImageRegion,omitempty"`
}

// ec2Namespace is the XML namespace of EC2's responses.
const ec2Namespace = "http://ec2.amazonaws.com/doc/2016-11-15/"

func (f *EC2) describeImages(w http.ResponseWriter, region string, ids []string) {
	type resp struct {
		XMLName   xml.Name   `xml:"DescribeImagesResponse"`
		Xmlns     string     `xml:"xmlns,attr"`
		RequestID string     `xml:"requestId"`
		Images    []xmlImage `xml:"imagesSet>item"`
	}
	out := resp{Xmlns: ec2Namespace, RequestID: requestID()}
	for _, id := range ids {
		img := f.images[region][id]
		if img == nil {
			ec2Error(w, http.StatusBadRequest, "InvalidAMIID.NotFound", fmt.Sprintf("The image id '[%s]' does not exist", id))
			return
		}
		x := xmlImage{ImageID: img.ImageID, ImageLocation: img.OwnerID + "/" + img.Name, ImageState: img.State, OwnerID: img.OwnerID,
			CreationDate: img.CreationDate, Architecture: img.Architecture, ImageType: "machine", Name: img.Name, Description: img.Description,
			RootDeviceType: "ebs", RootDeviceName: img.RootDeviceName, VirtualizationType: img.VirtualizationType, Hypervisor: "xen",
			PlatformDetails: img.PlatformDetails, BootMode: img.BootMode, SourceImageID: img.SourceImageID, SourceImageRegion: img.SourceImageRegion}
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

// createTags applies tags, in request order, to every image of ids, with
// EC2's checks: known images, no aws: keys, at most 50 tags.
func (f *EC2) createTags(w http.ResponseWriter, region string, ids, keys []string, tags map[string]string) {
	for _, id := range ids {
		if f.images[region][id] == nil {
			ec2Error(w, http.StatusBadRequest, "InvalidAMIID.NotFound", fmt.Sprintf("The image id '[%s]' does not exist", id))
			return
		}
	}
	for _, k := range keys {
		if strings.HasPrefix(strings.ToLower(k), "aws:") {
			ec2Error(w, http.StatusBadRequest, "InvalidParameterValue", "Tag keys starting with 'aws:' are reserved for internal use")
			return
		}
	}
	for _, id := range ids {
		n := len(f.images[region][id].Tags)
		for k := range tags {
			if _, ok := f.images[region][id].Tags[k]; !ok {
				n++
			}
		}
		if n > 50 {
			ec2Error(w, http.StatusBadRequest, "TagLimitExceeded", "The maximum number of Tags for a resource has been reached.")
			return
		}
	}
	for _, id := range ids {
		for k, v := range tags {
			f.images[region][id].Tags[k] = v
		}
	}
	writeXML(w, struct {
		XMLName   xml.Name `xml:"CreateTagsResponse"`
		Xmlns     string   `xml:"xmlns,attr"`
		RequestID string   `xml:"requestId"`
		Return    bool     `xml:"return"`
	}{Xmlns: ec2Namespace, RequestID: requestID(), Return: true})
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
<Response><Errors><Error><Code>%s</Code><Message>%s</Message></Error></Errors><RequestID>%s</RequestID></Response>`, code, xmlEscape(msg), requestID())
}

func xmlEscape(s string) string {
	var b strings.Builder
	xml.EscapeText(&b, []byte(s))
	return b.String()
}

var requests atomic.Uint64

// requestID makes a request id in AWS's UUID shape, unique per process.
func requestID() string {
	n := requests.Add(1)
	return fmt.Sprintf("fa4e0000-0000-4000-8000-%012x", n)
}
