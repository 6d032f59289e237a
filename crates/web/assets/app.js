// Small behaviours that need script; everything works without it.
document.addEventListener("htmx:responseError", function (e) {
  var box = document.getElementById("ket-qua");
  if (box) { box.textContent = "Không tải được dữ liệu (mã " + e.detail.xhr.status + "). Hãy thử lại."; }
});
