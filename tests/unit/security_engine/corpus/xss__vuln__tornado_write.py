import tornado.web

class Hello(tornado.web.RequestHandler):
    def get(self):
        who = self.get_query_argument("who", "you")
        self.write("<h1>hi " + who + "</h1>")
